/** Unit tests of the fault harness; the harness itself runs as chaos.e2e.spec.ts in the e2e suite (tools/jest.e2e.config.cts). */
module.exports = {
  displayName: 'chaos',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js'],
  testPathIgnorePatterns: ['/node_modules/', '\\.e2e\\.spec\\.ts$'],
  coverageDirectory: '../../coverage/tools/chaos',
};

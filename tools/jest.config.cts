module.exports = {
  displayName: 'tools',
  preset: '../jest.preset.js',
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js'],
  // shop-simulator, ops-checks, bench and chaos are projects of their own; the end-to-end suites run in the e2e target.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/shop-simulator/', '<rootDir>/ops-checks/', '<rootDir>/bench/', '<rootDir>/chaos/', '\\.e2e\\.spec\\.ts$'],
};

/**
 * The end-to-end suites: the six built services, real Kafka, PostgreSQL and
 * SMTP, and the shop simulator. They run after every other test (`nx run tools:e2e`),
 * one suite at a time, on a machine no other test is loading.
 */
module.exports = {
  displayName: 'e2e',
  preset: '../jest.preset.js',
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js'],
  testMatch: ['<rootDir>/flow/**/*.e2e.spec.ts', '<rootDir>/ops-checks/src/**/*.e2e.spec.ts', '<rootDir>/chaos/src/**/*.e2e.spec.ts'],
};

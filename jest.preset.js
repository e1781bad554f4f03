const nxPreset = require('@nx/jest/preset').default;

module.exports = {
  ...nxPreset,
  testEnvironment: 'node',
  // Integration tests talk to a real Kafka and Postgres; unit tests finish far sooner.
  testTimeout: 60_000,
};

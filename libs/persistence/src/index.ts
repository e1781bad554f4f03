export { createServiceDataSource, serviceDataSourceOptions } from './lib/data-source';
export type { ServiceDatabaseOptions } from './lib/data-source';
export { runMigrations, schemaDrift } from './lib/migrations';
export { withTransaction } from './lib/transaction';
export type { TransactionIsolation, TransactionOptions } from './lib/transaction';
export { isUniqueViolation, isSerializationFailure, isDatabaseUnavailable } from './lib/errors';
export { createTestSchema } from './lib/test-schema';
export type { TestSchema, CreateTestSchemaOptions } from './lib/test-schema';

import type { DataSource, EntityManager } from 'typeorm';

export type TransactionIsolation = 'READ COMMITTED' | 'REPEATABLE READ' | 'SERIALIZABLE';

export interface TransactionOptions {
  isolation?: TransactionIsolation;
}

/**
 * Runs `work` in one transaction on a connection of its own: commit when it
 * resolves, rollback and rethrow its error when it rejects. The connection goes
 * back to the pool in every case, also when rollback fails, so a failure can
 * never starve the pool.
 */
export async function withTransaction<T>(
  dataSource: DataSource,
  work: (manager: EntityManager) => Promise<T>,
  opts: TransactionOptions = {},
): Promise<T> {
  if (!dataSource.isInitialized) {
    throw new Error('withTransaction: the data source is not initialised; call dataSource.initialize() first');
  }
  const queryRunner = dataSource.createQueryRunner();
  try {
    await queryRunner.connect();
    await queryRunner.startTransaction(opts.isolation);
    try {
      const result = await work(queryRunner.manager);
      await queryRunner.commitTransaction();
      return result;
    } catch (error) {
      // The caller needs the cause (unique violation, serialization failure), not
      // the rollback's own failure; a broken connection is dropped by the pool.
      await queryRunner.rollbackTransaction().catch(() => undefined);
      throw error;
    }
  } finally {
    await queryRunner.release();
  }
}

/**
 * npm run stack:up | stack:down | stack:status
 *
 * Starts what the local stack is missing (PostgreSQL, a single-node Kafka) and
 * leaves alone what is already running. See "The local stack" in README.md.
 */
import { ensureKafka, kafkaStatus, stopKafka } from './kafka';
import { ensurePostgres, postgresStatus, stopPostgres } from './postgres';
import { log, StackError } from './process-util';

async function main(command: string | undefined): Promise<void> {
  switch (command) {
    case 'up': {
      const started = Date.now();
      await ensurePostgres();
      await ensureKafka();
      log(`stack is up (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      return;
    }
    case 'down':
      await stopKafka();
      await stopPostgres();
      return;
    case 'status':
      process.stdout.write(`${await postgresStatus()}\n${await kafkaStatus()}\n`);
      return;
    default:
      throw new StackError(`usage: stack up | down | status (got "${command ?? ''}")`);
  }
}

main(process.argv[2]).catch((error: unknown) => {
  const message = error instanceof StackError ? error.message : (error as Error).stack ?? String(error);
  process.stderr.write(`[stack] ${message}\n`);
  process.exit(1);
});

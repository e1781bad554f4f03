import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import type { MessagingLogger } from '../logger';

export interface KafkaConnectionOptions {
  brokers: string[];
  clientId: string;
  logger: MessagingLogger;
  connectionTimeoutMs?: number;
}

const EOS_WARNING = 'Limiting retries for the idempotent producer may invalidate EoS guarantees';

/** kafkajs logs through our logger; its INFO chatter (joins, rebalances) stays at debug. */
function logCreator(logger: MessagingLogger) {
  return () =>
    ({ level, log }: LogEntry) => {
      const { message, ...rest } = log;
      // Sends are bounded on purpose so the relay can log and retry; exactly-once comes from the inbox, not from the producer.
      if (message === EOS_WARNING) return;
      const entry = { kafka: rest };
      if (level === logLevel.ERROR) logger.error(entry, message);
      else if (level === logLevel.WARN) logger.warn(entry, message);
      else logger.debug(entry, message);
    };
}

export function createKafka(opts: KafkaConnectionOptions): Kafka {
  return new Kafka({
    clientId: opts.clientId,
    brokers: opts.brokers,
    connectionTimeout: opts.connectionTimeoutMs ?? 3000,
    logLevel: logLevel.WARN,
    logCreator: logCreator(opts.logger),
    retry: { initialRetryTime: 200, retries: 8, maxRetryTime: 5000 },
  });
}

/**
 * Readiness probe: a short-lived admin client asks the cluster for its
 * controller. Fails fast (no retries) so that /health/ready answers quickly.
 */
export async function pingKafka(brokers: string[], timeoutMs = 2000): Promise<void> {
  const admin = new Kafka({
    clientId: 'cardlink-health',
    brokers,
    connectionTimeout: timeoutMs,
    requestTimeout: timeoutMs,
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
  }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length === 0) throw new Error('Kafka cluster reports no brokers');
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

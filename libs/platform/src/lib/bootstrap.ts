import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Kafka } from 'kafkajs';
import { Logger } from 'nestjs-pino';
import type { Server } from 'node:http';
import { DataSource } from 'typeorm';
import type { z } from 'zod';
import { EventProducer, HandlerErrorsToInbox, InboxTransport, MessagingMetrics, OutboxRelay, type MessagingLogger } from '@cardlink/messaging';
import { runMigrations } from '@cardlink/persistence';
import { ConfigError, loadConfig, type PlatformConfig } from './config';
import { ServiceRuntime } from './service-runtime';
import { KAFKA_CLIENT, MESSAGING_LOGGER } from './tokens';

export interface ServiceDefinition {
  service: string;
  configSchema: z.ZodType<PlatformConfig>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  module: any;
}

export interface RunningService {
  app: INestApplication;
  config: PlatformConfig;
  /** The same sequence SIGTERM runs. */
  shutdown(): Promise<void>;
}

function validatedConfig(definition: ServiceDefinition): PlatformConfig {
  try {
    return loadConfig(definition.service, definition.configSchema);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}

/**
 * Starts a service: validates its configuration (exiting with every problem
 * named), migrates when asked, then starts the outbox relay, the event
 * consumer and the HTTP server. `node main.js migrate` only migrates and exits,
 * which is what the Kubernetes migration Job runs.
 */
export async function bootstrapService(definition: ServiceDefinition): Promise<RunningService | undefined> {
  const config = validatedConfig(definition);
  const app = await NestFactory.create(definition.module, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.flushLogs();
  const logger = app.get(Logger);
  const dataSource = app.get(DataSource);

  if (process.argv.includes('migrate')) {
    const applied = await runMigrations(dataSource);
    logger.log(`${definition.service}: ${applied.length} migration(s) applied${applied.length ? `: ${applied.join(', ')}` : ''}`);
    await app.close();
    return undefined;
  }
  if (config.DATABASE_MIGRATE_ON_START) {
    const applied = await runMigrations(dataSource);
    if (applied.length) logger.log(`migrations applied: ${applied.join(', ')}`);
  }

  const runtime = app.get(ServiceRuntime);
  const relay = app.get(OutboxRelay);
  const producer = app.get(EventProducer);
  await producer.connect();
  relay.start();

  const transport = new InboxTransport({
    kafka: app.get<Kafka>(KAFKA_CLIENT),
    groupId: config.KAFKA_CONSUMER_GROUP ?? definition.service,
    dataSource,
    producer,
    logger: app.get<MessagingLogger>(MESSAGING_LOGGER),
    metrics: app.get(MessagingMetrics),
    topicPrefix: config.KAFKA_TOPIC_PREFIX,
    partitionsConsumedConcurrently: config.KAFKA_PARTITIONS_CONCURRENCY,
    afterCommit: () => relay.nudge(),
  });
  runtime.transport = transport;
  // Global for both sides of the hybrid app (they share one configuration); HTTP requests pass through it untouched.
  app.useGlobalInterceptors(new HandlerErrorsToInbox());
  app.connectMicroservice({ strategy: transport }, { inheritAppConfig: true });
  await app.startAllMicroservices();
  await app.listen(config.PORT, '0.0.0.0');
  logger.log(`${definition.service} listening on port ${config.PORT}`);

  let stopping: Promise<void> | undefined;
  const shutdown = () => {
    stopping ??= (async () => {
      runtime.shuttingDown = true;
      logger.log(`${definition.service} shutting down`);
      const timer = setTimeout(() => {
        logger.error(`${definition.service}: shutdown took longer than ${config.SHUTDOWN_TIMEOUT_MS} ms; exiting`);
        process.exit(1);
      }, config.SHUTDOWN_TIMEOUT_MS);
      timer.unref();
      // Order matters: stop taking work, finish what is in hand, publish what it produced, then disconnect.
      await transport.close();
      await stopAcceptingRequests(app.getHttpServer() as Server);
      await relay.stop();
      await producer.disconnect();
      await app.close();
      clearTimeout(timer);
    })();
    return stopping;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    shutdown().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error, signal }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  return { app, config, shutdown };
}

/** Stops accepting connections and waits for requests in flight; idle keep-alive sockets are closed at once. */
function stopAcceptingRequests(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}

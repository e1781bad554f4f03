import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CREDENTIAL_REGISTRY, ScopesGuard } from '@cardlink/auth';
import type { Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import { DataSource, type EntitySchema } from 'typeorm';
import type { z } from 'zod';
import {
  createKafka,
  EventProducer,
  MESSAGING_ENTITIES,
  MESSAGING_MIGRATIONS,
  MessagingMetrics,
  Outbox,
  OutboxRelay,
  pingKafka,
  type MessagingLogger,
} from '@cardlink/messaging';
import { createLogger, HealthModule, LoggingModule, METRICS_REGISTRY, MetricsModule, type ReadinessCheck } from '@cardlink/observability';
import { serviceDataSourceOptions } from '@cardlink/persistence';
import { loadConfig, type PlatformConfig } from './config';
import { ServiceRuntime } from './service-runtime';
import { KAFKA_CLIENT, MESSAGING_LOGGER, SERVICE_CONFIG, SERVICE_NAME } from './tokens';
import { UnitOfWork } from './unit-of-work';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type EntityTarget = Function | EntitySchema;

export interface PlatformOptions {
  service: string;
  configSchema: z.ZodType<PlatformConfig>;
  entities: EntityTarget[];
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: Function[];
  /**
   * Whether published outbox rows keep their payload until purged an hour
   * later (the default). A service whose events carry buyers' contacts and
   * that keeps no other copy of them sets false: nothing is left to erase once
   * an event is published.
   */
  keepPublishedPayloads?: boolean;
}

/**
 * Everything a cardlink service stands on, wired once: validated config,
 * logging, metrics, health, its database (schema and role), the Kafka
 * producer, the outbox and its relay. Import it once in the app module.
 */
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    const { service } = options;
    return {
      module: PlatformModule,
      global: true,
      imports: [
        LoggingModule.forRoot({ service, level: process.env['LOG_LEVEL'] ?? 'info' }),
        MetricsModule.forRoot({ service }),
        TypeOrmModule.forRootAsync({
          useFactory: () => {
            const config = loadConfig(service, options.configSchema);
            return serviceDataSourceOptions({
              url: config.DATABASE_URL,
              schema: config.DATABASE_SCHEMA,
              entities: [...MESSAGING_ENTITIES, ...options.entities],
              migrations: [...MESSAGING_MIGRATIONS, ...options.migrations],
              poolSize: config.DATABASE_POOL_SIZE,
              applicationName: service,
            });
          },
        }),
        HealthModule.forRootAsync({
          inject: [DataSource, SERVICE_CONFIG, ServiceRuntime],
          useFactory: (dataSource: DataSource, config: PlatformConfig, runtime: ServiceRuntime): ReadinessCheck[] => [
            { name: 'database', check: async () => void (await dataSource.query('SELECT 1')) },
            { name: 'kafka', check: () => pingKafka(config.KAFKA_BROKERS) },
            { name: 'service', check: async () => runtime.assertServing() },
          ],
        }),
      ],
      providers: [
        { provide: SERVICE_NAME, useValue: service },
        { provide: SERVICE_CONFIG, useFactory: () => loadConfig(service, options.configSchema) },
        ServiceRuntime,
        {
          provide: MESSAGING_LOGGER,
          inject: [SERVICE_CONFIG],
          useFactory: (config: PlatformConfig) => createLogger({ service, level: config.LOG_LEVEL }).child({ component: 'messaging' }),
        },
        {
          provide: KAFKA_CLIENT,
          inject: [SERVICE_CONFIG, MESSAGING_LOGGER],
          useFactory: (config: PlatformConfig, logger: MessagingLogger) =>
            createKafka({ brokers: config.KAFKA_BROKERS, clientId: config.KAFKA_CLIENT_ID ?? service, logger }),
        },
        { provide: EventProducer, inject: [KAFKA_CLIENT], useFactory: (kafka: Kafka) => new EventProducer(kafka) },
        { provide: MessagingMetrics, inject: [METRICS_REGISTRY], useFactory: (registry: Registry) => new MessagingMetrics(registry) },
        {
          provide: Outbox,
          inject: [SERVICE_CONFIG],
          useFactory: (config: PlatformConfig) => new Outbox(service, config.KAFKA_TOPIC_PREFIX),
        },
        {
          provide: OutboxRelay,
          inject: [DataSource, EventProducer, MESSAGING_LOGGER, MessagingMetrics, SERVICE_CONFIG],
          useFactory: (dataSource: DataSource, producer: EventProducer, logger: MessagingLogger, metrics: MessagingMetrics, config: PlatformConfig) =>
            new OutboxRelay({
              dataSource,
              producer,
              logger,
              metrics,
              pollIntervalMs: config.OUTBOX_POLL_INTERVAL_MS,
              batchSize: config.OUTBOX_BATCH_SIZE,
              dropPublishedPayloads: options.keepPublishedPayloads === false,
            }),
        },
        UnitOfWork,
        { provide: CREDENTIAL_REGISTRY, inject: [SERVICE_CONFIG], useFactory: (config: PlatformConfig) => config.API_CREDENTIALS },
        { provide: APP_GUARD, useClass: ScopesGuard },
      ],
      exports: [SERVICE_NAME, SERVICE_CONFIG, ServiceRuntime, MESSAGING_LOGGER, KAFKA_CLIENT, EventProducer, MessagingMetrics, Outbox, OutboxRelay, UnitOfWork],
    };
  }
}

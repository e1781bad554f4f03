import {
  Global,
  Module,
  RequestMethod,
  type DynamicModule,
  type MiddlewareConsumer,
  type NestModule,
} from '@nestjs/common';
import { HttpMetricsMiddleware } from './http-metrics.middleware';
import { MetricsController } from './metrics.controller';
import { createMetricsRegistry, METRICS_REGISTRY } from './metrics-registry';

/**
 * Prometheus metrics for a service: the registry (inject METRICS_REGISTRY to add
 * `cardlink_*` business metrics), GET /metrics, and HTTP request latency.
 */
@Global()
@Module({})
export class MetricsModule implements NestModule {
  static forRoot(opts: { service: string }): DynamicModule {
    return {
      module: MetricsModule,
      controllers: [MetricsController],
      providers: [
        {
          provide: METRICS_REGISTRY,
          useFactory: () => createMetricsRegistry(opts.service),
        },
        HttpMetricsMiddleware,
      ],
      exports: [METRICS_REGISTRY],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(HttpMetricsMiddleware)
      .forRoutes({ path: '{*splat}', method: RequestMethod.ALL });
  }
}

import {
  Module,
  type DynamicModule,
  type FactoryProvider,
  type ModuleMetadata,
} from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController, READINESS_CHECKS } from './health.controller';
import { assertUniqueCheckNames, type ReadinessCheck } from './readiness-check';

export interface HealthModuleAsyncOptions {
  /** Modules whose providers the factory needs, e.g. the persistence or messaging module. */
  imports?: ModuleMetadata['imports'];
  inject?: FactoryProvider['inject'];
  // `any` matches Nest's own factory typing, so factories can declare their concrete dependency types.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  useFactory: (...args: any[]) => ReadinessCheck[] | Promise<ReadinessCheck[]>;
}

/** GET /health/live (process up) and GET /health/ready (every ReadinessCheck up) for Kubernetes probes. */
@Module({})
export class HealthModule {
  static forRootAsync(opts: HealthModuleAsyncOptions): DynamicModule {
    return {
      module: HealthModule,
      imports: [
        TerminusModule.forRoot({ errorLogStyle: 'json' }),
        ...(opts.imports ?? []),
      ],
      controllers: [HealthController],
      providers: [
        {
          provide: READINESS_CHECKS,
          inject: opts.inject ?? [],
          useFactory: async (...deps: unknown[]) => {
            const checks = await opts.useFactory(...deps);
            assertUniqueCheckNames(checks);
            return checks;
          },
        },
      ],
    };
  }
}

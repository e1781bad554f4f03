import { Controller, Get, Inject } from '@nestjs/common';
import { Public } from '@cardlink/auth';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  type HealthCheckResult,
  type HealthIndicatorResult,
} from '@nestjs/terminus';
import { runReadinessCheck, type ReadinessCheck } from './readiness-check';

export const READINESS_CHECKS = 'CARDLINK_READINESS_CHECKS';

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(READINESS_CHECKS)
    private readonly readinessChecks: readonly ReadinessCheck[],
  ) {}

  /**
   * Liveness answers without HealthCheckService on purpose: it checks no
   * dependency (a Postgres outage must not get the pod restarted) and must stay
   * 200 during graceful shutdown, when terminus reports 'shutting_down'.
   */
  @Get('live')
  @HealthCheck()
  live(): HealthCheckResult {
    return { status: 'ok', info: {}, error: {}, details: {} };
  }

  /** 503 with every failing check named while any dependency is down; terminus runs them in parallel. */
  @Get('ready')
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.health.check(
      this.readinessChecks.map((readiness) => () => this.probe(readiness)),
    );
  }

  private async probe(
    readiness: ReadinessCheck,
  ): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check(readiness.name);
    try {
      await runReadinessCheck(readiness);
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: errorMessage(error) });
    }
  }
}

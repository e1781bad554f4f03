import type { ServerResponse } from 'node:http';
import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Registry } from 'prom-client';
import { Public } from '@cardlink/auth';
import { METRICS_REGISTRY } from './metrics-registry';

/** The Prometheus scrape endpoint. */
@Public()
@Controller()
export class MetricsController {
  constructor(@Inject(METRICS_REGISTRY) private readonly registry: Registry) {}

  /**
   * Written to the raw response because Express would rewrite the content type
   * (`charset` before `version`) if the body went through its `send`.
   */
  @Get('metrics')
  async scrape(@Res() res: ServerResponse): Promise<void> {
    const body = await this.registry.metrics();
    res.statusCode = 200;
    res.setHeader('Content-Type', this.registry.contentType);
    res.setHeader('Cache-Control', 'no-store');
    res.end(body);
  }
}

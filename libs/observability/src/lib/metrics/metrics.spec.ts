import type { AddressInfo } from 'node:net';
import {
  Controller,
  ForbiddenException,
  Get,
  Inject,
  Param,
  type CanActivate,
  type INestApplication,
  UseGuards,
} from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Counter, type Registry } from 'prom-client';
import { LoggingModule } from '../logging/logging.module';
import { createMetricsRegistry, METRICS_REGISTRY } from './metrics-registry';
import { MetricsModule } from './metrics.module';

class DenyStaffGuard implements CanActivate {
  canActivate(): boolean {
    throw new ForbiddenException();
  }
}

@Controller()
class OrdersController {
  @Get('orders/:id')
  order(@Param('id') id: string): { id: string } {
    return { id };
  }

  @Get('admin/orders/:id')
  @UseGuards(DenyStaffGuard)
  adminOrder(@Param('id') id: string): { id: string } {
    return { id };
  }

  @Get('health/live')
  live(): { status: string } {
    return { status: 'ok' };
  }
}

/** Stands in for a service module that adds a business metric to the shared registry. */
@Controller()
class RiskController {
  private readonly decisions: Counter<'decision'>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.decisions = new Counter({
      name: 'cardlink_risk_decisions_total',
      help: 'Risk decisions by outcome.',
      labelNames: ['decision'],
      registers: [registry],
    });
  }

  @Get('risk/approve')
  approve(): string {
    this.decisions.inc({ decision: 'approved' });
    return 'approved';
  }
}

describe('createMetricsRegistry', () => {
  it('collects default Node metrics labelled with the service', async () => {
    const output = await createMetricsRegistry('card-inventory').metrics();

    expect(output).toMatch(
      /^process_cpu_user_seconds_total\{service="card-inventory"\} \d/m,
    );
    expect(output).toContain(
      'nodejs_heap_size_used_bytes{service="card-inventory"}',
    );
  });

  it('gives each service its own registry', async () => {
    const first = createMetricsRegistry('order-processing');
    const second = createMetricsRegistry('risk-control');

    expect(await first.metrics()).not.toContain('service="risk-control"');
    expect(await second.metrics()).not.toContain('service="order-processing"');
  });
});

describe('MetricsModule', () => {
  let app: INestApplication;
  let baseUrl: string;

  const scrape = async (): Promise<string> =>
    (await fetch(`${baseUrl}/metrics`)).text();

  /** The histogram is observed when the response finishes, so poll briefly. */
  async function scrapeUntil(expected: RegExp): Promise<string> {
    const deadline = Date.now() + 2000;
    for (;;) {
      const output = await scrape();
      if (expected.test(output) || Date.now() > deadline) return output;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        MetricsModule.forRoot({ service: 'order-processing' }),
        // Its request logger is another global catch-all middleware, registered after ours.
        LoggingModule.forRoot({
          service: 'order-processing',
          destination: { write: () => undefined },
        }),
      ],
      controllers: [OrdersController, RiskController],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app.close();
  });

  it('serves the Prometheus text format', async () => {
    const response = await fetch(`${baseUrl}/metrics`);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(
      'text/plain; version=0.0.4; charset=utf-8',
    );
    expect(await response.text()).toContain(
      'process_cpu_user_seconds_total{service="order-processing"}',
    );
  });

  it('labels request durations with the route pattern, not the concrete id', async () => {
    expect((await fetch(`${baseUrl}/orders/ord_12345`)).status).toBe(200);

    const output = await scrapeUntil(/route="\/orders\/:id"/);
    expect(output).toMatch(
      /^cardlink_http_request_duration_seconds_count\{service="order-processing",method="GET",route="\/orders\/:id",status_code="200"\} 1$/m,
    );
    expect(output).not.toContain('ord_12345');
  });

  it('records requests rejected by a guard under their route', async () => {
    expect((await fetch(`${baseUrl}/admin/orders/ord_9`)).status).toBe(403);

    const output = await scrapeUntil(/route="\/admin\/orders\/:id"/);
    expect(output).toMatch(
      /^cardlink_http_request_duration_seconds_count\{service="order-processing",method="GET",route="\/admin\/orders\/:id",status_code="403"\} 1$/m,
    );
  });

  it('groups unknown URLs into one unmatched series', async () => {
    expect((await fetch(`${baseUrl}/wp-login.php`)).status).toBe(404);
    expect((await fetch(`${baseUrl}/.env`)).status).toBe(404);

    const output = await scrapeUntil(
      /route="unmatched",status_code="404".*\} 2$/m,
    );
    expect(output).toMatch(
      /^cardlink_http_request_duration_seconds_count\{service="order-processing",method="GET",route="unmatched",status_code="404"\} 2$/m,
    );
    expect(output).not.toContain('wp-login');
  });

  it('does not record scrapes and health probes', async () => {
    await fetch(`${baseUrl}/health/live`);
    await fetch(`${baseUrl}/orders/ord_2`);

    const output = await scrapeUntil(
      /route="\/orders\/:id",status_code="200".*\} 2$/m,
    );
    expect(output).not.toMatch(/route="\/metrics"/);
    expect(output).not.toMatch(/route="\/health\/live"/);
  });

  it('exposes the registry for business metrics', async () => {
    await fetch(`${baseUrl}/risk/approve`);

    expect(await scrape()).toContain(
      'cardlink_risk_decisions_total{decision="approved",service="order-processing"} 1',
    );
  });
});

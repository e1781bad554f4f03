import type { AddressInfo } from 'node:net';
import { Injectable, Module, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { HealthModule } from './health.module';
import type { ReadinessCheck } from './readiness-check';

/** A dependency whose state each test sets, injected the way a service would inject its DataSource. */
@Injectable()
class FakeDependencies {
  postgres: 'up' | 'down' = 'up';
  kafka: 'up' | 'down' | 'hanging' = 'up';
  paymentProvider: 'up' | 'hanging' = 'up';
}

@Module({ providers: [FakeDependencies], exports: [FakeDependencies] })
class FakeDependenciesModule {}

const KAFKA_TIMEOUT_MS = 300;

function readinessChecks(deps: FakeDependencies): ReadinessCheck[] {
  return [
    {
      name: 'postgres',
      check: async () => {
        if (deps.postgres === 'down')
          throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
      },
    },
    {
      name: 'kafka',
      timeoutMs: KAFKA_TIMEOUT_MS,
      check: () => {
        if (deps.kafka === 'hanging') return new Promise<void>(() => undefined);
        return deps.kafka === 'down'
          ? Promise.reject(new Error('broker unreachable'))
          : Promise.resolve();
      },
    },
    {
      name: 'payment-provider',
      timeoutMs: KAFKA_TIMEOUT_MS,
      check: () =>
        deps.paymentProvider === 'hanging'
          ? new Promise<void>(() => undefined)
          : Promise.resolve(),
    },
  ];
}

describe('HealthModule', () => {
  let app: INestApplication;
  let baseUrl: string;
  let deps: FakeDependencies;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        HealthModule.forRootAsync({
          imports: [FakeDependenciesModule],
          inject: [FakeDependencies],
          useFactory: readinessChecks,
        }),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    deps = app.get(FakeDependencies);
  });

  beforeEach(() => {
    deps.postgres = 'up';
    deps.kafka = 'up';
    deps.paymentProvider = 'up';
  });

  afterAll(async () => {
    await app.close();
  });

  async function get(
    path: string,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${baseUrl}${path}`);
    return {
      status: response.status,
      body: (await response.json()) as Record<string, unknown>,
    };
  }

  it('is ready when every check is up', async () => {
    const { status, body } = await get('/health/ready');

    expect(status).toBe(200);
    expect(body).toMatchObject({
      status: 'ok',
      info: {
        postgres: { status: 'up' },
        kafka: { status: 'up' },
        'payment-provider': { status: 'up' },
      },
    });
  });

  it('is not ready when a check throws, and names it with its error', async () => {
    deps.postgres = 'down';

    const { status, body } = await get('/health/ready');

    expect(status).toBe(503);
    expect(body).toMatchObject({
      status: 'error',
      error: {
        postgres: {
          status: 'down',
          message: 'connect ECONNREFUSED 127.0.0.1:5432',
        },
      },
      info: { kafka: { status: 'up' } },
    });
  });

  it('names every failing check', async () => {
    deps.postgres = 'down';
    deps.kafka = 'down';

    const { status, body } = await get('/health/ready');

    expect(status).toBe(503);
    expect(Object.keys(body['error'] as object).sort()).toEqual([
      'kafka',
      'postgres',
    ]);
  });

  it('counts a hanging check as down once its timeout passes', async () => {
    deps.kafka = 'hanging';
    const started = Date.now();

    const { status, body } = await get('/health/ready');

    const elapsed = Date.now() - started;
    expect(status).toBe(503);
    expect(body).toMatchObject({
      error: {
        kafka: {
          status: 'down',
          message: `timed out after ${KAFKA_TIMEOUT_MS} ms`,
        },
      },
    });
    expect(elapsed).toBeGreaterThanOrEqual(KAFKA_TIMEOUT_MS - 20);
    expect(elapsed).toBeLessThan(KAFKA_TIMEOUT_MS + 1000);
  });

  it('runs the checks in parallel', async () => {
    deps.kafka = 'hanging';
    deps.paymentProvider = 'hanging';
    const started = Date.now();

    const { status, body } = await get('/health/ready');

    expect(status).toBe(503);
    expect(Object.keys(body['error'] as object).sort()).toEqual([
      'kafka',
      'payment-provider',
    ]);
    // Sequential checks would need at least twice the timeout.
    expect(Date.now() - started).toBeLessThan(2 * KAFKA_TIMEOUT_MS);
  });

  it('stays live while dependencies are down', async () => {
    deps.postgres = 'down';
    deps.kafka = 'hanging';

    const { status, body } = await get('/health/live');

    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'ok' });
  });
});

describe('HealthModule configuration', () => {
  it('rejects two checks with the same name', async () => {
    const check = { name: 'postgres', check: () => Promise.resolve() };

    await expect(
      Test.createTestingModule({
        imports: [
          HealthModule.forRootAsync({
            useFactory: () => [check, { ...check }],
          }),
        ],
      }).compile(),
    ).rejects.toThrow("Duplicate readiness check name 'postgres'");
  });
});

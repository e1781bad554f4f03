import type { AddressInfo } from 'node:net';
import {
  Controller,
  Get,
  Logger as NestLogger,
  Param,
  type INestApplication,
} from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Logger } from 'nestjs-pino';
import { LoggingModule } from './logging.module';
import { REDACTED } from './masking';

type LogLine = Record<string, unknown> & {
  req?: { id?: string; url?: string; headers?: Record<string, string> };
};

const CARD_SECRET = 'KEY-7Q2W-9XZP-4LMN';

@Controller()
class PickupController {
  private readonly logger = new NestLogger(PickupController.name);

  @Get('pickup/:orderId')
  pickup(@Param('orderId') orderId: string): { orderId: string } {
    this.logger.log(
      {
        orderId,
        cardSecret: CARD_SECRET,
        buyer: { email: 'alice@example.com' },
      },
      'card revealed',
    );
    return { orderId };
  }

  @Get('health/live')
  live(): { status: string } {
    return { status: 'ok' };
  }
}

async function eventually<T>(
  find: () => T | undefined,
  timeoutMs = 2000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline)
      throw new Error('expected log line was not written');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('LoggingModule', () => {
  const lines: LogLine[] = [];
  let app: INestApplication;
  let baseUrl: string;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        LoggingModule.forRoot({
          service: 'shop-gateway',
          destination: {
            write: (line: string) => lines.push(JSON.parse(line) as LogLine),
          },
        }),
      ],
      controllers: [PickupController],
    }).compile();
    app = moduleRef.createNestApplication({ bufferLogs: true });
    app.useLogger(app.get(Logger));
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app.close();
  });

  const completedRequest = (path: string) =>
    eventually(() =>
      lines.find(
        (line) =>
          line['msg'] === 'request completed' &&
          line.req?.url?.startsWith(path),
      ),
    );

  it('logs each request with the caller request id and redacted credential headers', async () => {
    const response = await fetch(
      `${baseUrl}/pickup/ord_1?token=signed-link-token&lang=en`,
      {
        headers: {
          'x-request-id': 'req-42',
          authorization: 'Bearer staff-token',
          cookie: 'session=abc',
        },
      },
    );

    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('req-42');
    const line = await completedRequest('/pickup/ord_1');
    expect(line).toMatchObject({ service: 'shop-gateway', level: 'info' });
    expect(line.req).toMatchObject({
      id: 'req-42',
      url: `/pickup/ord_1?token=${REDACTED}&lang=en`,
      headers: { authorization: REDACTED, cookie: REDACTED },
    });
    expect(JSON.stringify(line)).not.toContain('signed-link-token');
  });

  it('redacts the same fields in application logs written through Nest', async () => {
    await fetch(`${baseUrl}/pickup/ord_2`);

    const line = await eventually(() =>
      lines.find(
        (l) => l['msg'] === 'card revealed' && l['orderId'] === 'ord_2',
      ),
    );
    expect(line).toMatchObject({
      cardSecret: REDACTED,
      buyer: { email: 'a***@example.com' },
    });
    expect(JSON.stringify(lines)).not.toContain(CARD_SECRET);
  });

  it('generates a uuid request id when the caller sends none or an unsafe one', async () => {
    const response = await fetch(`${baseUrl}/pickup/ord_3`, {
      headers: { 'x-request-id': 'a b\tc' },
    });

    const requestId = response.headers.get('x-request-id');
    expect(requestId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    const line = await completedRequest('/pickup/ord_3');
    expect(line.req?.id).toBe(requestId);
  });

  it('does not log probe requests', async () => {
    await fetch(`${baseUrl}/health/live`);
    await fetch(`${baseUrl}/pickup/ord_4`);

    await completedRequest('/pickup/ord_4');
    expect(lines.some((line) => line.req?.url === '/health/live')).toBe(false);
  });
});

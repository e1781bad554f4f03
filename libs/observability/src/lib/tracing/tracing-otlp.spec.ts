import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

interface ReceivedExport {
  path: string;
  contentType: string | undefined;
  body: string;
}

/**
 * The OTLP exporter loads `http` with a dynamic import, which Jest's module
 * sandbox refuses, so the service side runs in a real Node process.
 */
const SERVICE_SCRIPT = `
  const { trace } = require('@opentelemetry/api');
  const { startTracing } = require(${JSON.stringify(join(__dirname, 'tracing.ts'))});
  const tracing = startTracing({ serviceName: 'delivery-notifications' });
  const span = trace.getTracer('test').startSpan('delivery.email');
  span.end();
  tracing.shutdown().then(() => process.stdout.write(span.spanContext().traceId));
`;

describe('startTracing with an OTLP endpoint', () => {
  const received: ReceivedExport[] = [];
  let collector: Server;
  let endpoint: string;

  beforeAll(async () => {
    // A stand-in OTLP/HTTP collector that records what it is sent.
    collector = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({
          path: req.url ?? '',
          contentType: req.headers['content-type'],
          body: Buffer.concat(chunks).toString('utf8'),
        });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) =>
      collector.listen(0, '127.0.0.1', resolve),
    );
    endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => collector.close(resolve));
  });

  it('exports spans over OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT', async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    };
    delete env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'];
    delete env['OTEL_SDK_DISABLED'];

    const { stdout: traceId } = await promisify(execFile)(
      process.execPath,
      ['--require', require.resolve('tsx/cjs'), '--eval', SERVICE_SCRIPT],
      { env },
    );

    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(received).toHaveLength(1);
    expect(received[0].path).toBe('/v1/traces');
    expect(received[0].contentType).toContain('application/json');
    expect(received[0].body).toContain('"delivery-notifications"');
    expect(received[0].body).toContain('"delivery.email"');
    expect(received[0].body).toContain(traceId);
  });
});

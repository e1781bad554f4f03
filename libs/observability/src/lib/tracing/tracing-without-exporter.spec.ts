import {
  context,
  isSpanContextValid,
  propagation,
  trace,
} from '@opentelemetry/api';
import { currentTraceId } from './trace-context';
import { startTracing } from './tracing';

describe('startTracing without an OTLP endpoint', () => {
  beforeAll(() => {
    delete process.env['OTEL_SDK_DISABLED'];
    delete process.env['OTEL_EXPORTER_OTLP_ENDPOINT'];
    delete process.env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'];
  });

  it('still gives spans real trace ids and propagates them as W3C traceparent', async () => {
    const tracing = startTracing({ serviceName: 'card-inventory' });

    const headers: Record<string, string> = {};
    trace.getTracer('test').startActiveSpan('stock.reserve', (span) => {
      expect(isSpanContextValid(span.spanContext())).toBe(true);
      expect(currentTraceId()).toBe(span.spanContext().traceId);
      propagation.inject(context.active(), headers);
      span.end();
    });

    expect(headers['traceparent']).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    await tracing.shutdown();
  });
});

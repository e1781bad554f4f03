import { trace } from '@opentelemetry/api';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { createLogger } from '../logging/logger';
import { currentTraceId } from './trace-context';
import { startTracing, type Tracing } from './tracing';

describe('startTracing with injected span processors', () => {
  const exporter = new InMemorySpanExporter();
  const processor = new SimpleSpanProcessor(exporter);
  let tracing: Tracing;

  beforeAll(() => {
    delete process.env['OTEL_SDK_DISABLED'];
    delete process.env['OTEL_EXPORTER_OTLP_ENDPOINT'];
    delete process.env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'];
    tracing = startTracing({
      serviceName: 'order-processing',
      spanProcessors: [processor],
    });
  });

  afterAll(async () => {
    await tracing.shutdown();
  });

  it('exports spans created through the API with the service name', async () => {
    trace.getTracer('test').startSpan('order.paid').end();
    // Export waits for asynchronously detected resource attributes (host id).
    await processor.forceFlush();

    const [span] = exporter.getFinishedSpans();
    expect(span.name).toBe('order.paid');
    expect(span.resource.attributes['service.name']).toBe('order-processing');
  });

  it('reports the trace id of the active span', () => {
    expect(currentTraceId()).toBeUndefined();

    const traceIdInside = trace
      .getTracer('test')
      .startActiveSpan('card.reserve', (span) => {
        expect(currentTraceId()).toBe(span.spanContext().traceId);
        span.end();
        return currentTraceId();
      });

    expect(traceIdInside).toMatch(/^[0-9a-f]{32}$/);
    expect(traceIdInside).not.toBe('0'.repeat(32));
    expect(currentTraceId()).toBeUndefined();
  });

  it('returns the first instance when started again', () => {
    expect(startTracing({ serviceName: 'other-service' })).toBe(tracing);
  });

  it('puts trace and span ids on log lines written inside a span', () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({
      service: 'order-processing',
      destination: {
        write: (line) =>
          lines.push(JSON.parse(line) as Record<string, unknown>),
      },
    });

    trace.getTracer('test').startActiveSpan('delivery.send', (span) => {
      logger.info('sending card');
      span.end();
      expect(lines[0]).toMatchObject({
        trace_id: span.spanContext().traceId,
        span_id: span.spanContext().spanId,
      });
    });
    logger.info('outside any span');
    expect(lines[1]).not.toHaveProperty('trace_id');
  });
});

import {
  context,
  isSpanContextValid,
  propagation,
  trace,
} from '@opentelemetry/api';
import { currentTraceId } from './trace-context';
import { startTracing } from './tracing';

describe('startTracing with OTEL_SDK_DISABLED=true', () => {
  const previous = process.env['OTEL_SDK_DISABLED'];

  beforeAll(() => {
    process.env['OTEL_SDK_DISABLED'] = 'true';
  });

  afterAll(() => {
    if (previous === undefined) delete process.env['OTEL_SDK_DISABLED'];
    else process.env['OTEL_SDK_DISABLED'] = previous;
  });

  it('registers nothing: spans are no-ops and no context is propagated', async () => {
    const tracing = startTracing({ serviceName: 'risk-control' });

    const headers: Record<string, string> = {};
    trace.getTracer('test').startActiveSpan('risk.assess', (span) => {
      expect(isSpanContextValid(span.spanContext())).toBe(false);
      expect(currentTraceId()).toBeUndefined();
      propagation.inject(context.active(), headers);
      span.end();
    });

    expect(headers).toEqual({});
    await expect(tracing.shutdown()).resolves.toBeUndefined();
  });
});

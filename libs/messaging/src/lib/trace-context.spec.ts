import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { currentTraceHeaders, inTraceOf } from './trace-context';

describe('trace context kept with deferred work', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const contextManager = new AsyncLocalStorageContextManager().enable();

  beforeAll(() => {
    trace.setGlobalTracerProvider(provider);
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    context.setGlobalContextManager(contextManager);
  });

  afterAll(async () => {
    await provider.shutdown();
    trace.disable();
    propagation.disable();
    context.disable();
  });

  beforeEach(() => exporter.reset());

  it('runs work stored while handling a message as a child span of that message, and events added in it continue the trace', async () => {
    // What a consumer stores with a row while it handles an event.
    const handling = trace.getTracer('test').startSpan('orders.lifecycle process');
    const stored = context.with(trace.setSpan(context.active(), handling), currentTraceHeaders);
    handling.end();

    // Later, in a poller's pass with no active span.
    expect(currentTraceHeaders()).toEqual({});
    const headersOfEventAddedInWork = await inTraceOf(stored, 'delivery send', () => Promise.resolve(currentTraceHeaders()), { 'cardlink.channel': 'email' });

    const send = exporter.getFinishedSpans().find((s) => s.name === 'delivery send');
    expect(send?.spanContext().traceId).toBe(handling.spanContext().traceId);
    expect(send?.parentSpanContext?.spanId).toBe(handling.spanContext().spanId);
    expect(send?.attributes['cardlink.channel']).toBe('email');
    expect(headersOfEventAddedInWork['traceparent']).toBe(`00-${handling.spanContext().traceId}-${send?.spanContext().spanId}-01`);
  });

  it('starts a new trace when nothing was stored, and marks the span failed when the work throws', async () => {
    await expect(inTraceOf(null, 'delivery send', () => Promise.reject(new Error('smtp down')))).rejects.toThrow('smtp down');
    const [send] = exporter.getFinishedSpans();
    expect(send?.parentSpanContext).toBeUndefined();
    expect(send?.status).toEqual({ code: 2, message: 'smtp down' });
  });
});

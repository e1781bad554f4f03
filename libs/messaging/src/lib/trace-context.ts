import { context, propagation, SpanKind, SpanStatusCode, trace, type Attributes, type Context } from '@opentelemetry/api';

const tracer = trace.getTracer('cardlink-messaging');

/** W3C trace context (traceparent, tracestate) of the active span, as message headers. */
export function currentTraceHeaders(): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

/** The context a producer put in the headers, so one order is one trace across services. */
export function contextFromHeaders(headers: Record<string, string>): Context {
  return propagation.extract(context.active(), headers);
}

/**
 * Runs deferred work (a poller's pass over rows written while handling a
 * message or request) as a span in the trace that was current when the row
 * was written: store `currentTraceHeaders()` with the row, pass them back
 * here. Outbox events added inside `work` continue that trace too, instead
 * of starting a new one in the poller's empty context.
 */
export async function inTraceOf<T>(
  headers: Record<string, string> | null | undefined,
  spanName: string,
  work: () => Promise<T>,
  attributes: Attributes = {},
): Promise<T> {
  const parent = contextFromHeaders(headers ?? {});
  const span = tracer.startSpan(spanName, { kind: SpanKind.INTERNAL, attributes }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), work);
  } catch (error) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    throw error;
  } finally {
    span.end();
  }
}

import { context, propagation, type Context } from '@opentelemetry/api';

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

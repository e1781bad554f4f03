import {
  isSpanContextValid,
  trace,
  type SpanContext,
} from '@opentelemetry/api';

function activeSpanContext(): SpanContext | undefined {
  const spanContext = trace.getActiveSpan()?.spanContext();
  return spanContext && isSpanContextValid(spanContext)
    ? spanContext
    : undefined;
}

/** The trace id of the active span, or undefined outside a (valid) span. */
export function currentTraceId(): string | undefined {
  return activeSpanContext()?.traceId;
}

/** Trace and span id fields for a log line, so logs can be joined to traces. */
export function traceLogFields(): { trace_id?: string; span_id?: string } {
  const spanContext = activeSpanContext();
  return spanContext
    ? { trace_id: spanContext.traceId, span_id: spanContext.spanId }
    : {};
}

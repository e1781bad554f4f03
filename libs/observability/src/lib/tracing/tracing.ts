/**
 * OpenTelemetry bootstrap. Services start it from the first module main.ts
 * imports, before Nest, Express, pg or kafkajs are loaded, so this file must not
 * import Nest (enforced by this library's lint configuration).
 */
import type { IncomingMessage } from 'node:http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { NodeSDK } from '@opentelemetry/sdk-node';
import {
  BatchSpanProcessor,
  NoopSpanProcessor,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { isOperationalPath } from '../operational-paths';

export interface TracingOptions {
  /** Becomes the `service.name` resource attribute. */
  serviceName: string;
  /** Extra processors, e.g. an in-memory exporter in tests. */
  spanProcessors?: SpanProcessor[];
}

export interface Tracing {
  /** Flushes pending spans and stops exporting; call on graceful shutdown. */
  shutdown(): Promise<void>;
}

let startedTracing: Tracing | undefined;

function isSdkDisabled(env: NodeJS.ProcessEnv): boolean {
  return env['OTEL_SDK_DISABLED']?.trim().toLowerCase() === 'true';
}

function hasOtlpEndpoint(env: NodeJS.ProcessEnv): boolean {
  return Boolean(
    env['OTEL_EXPORTER_OTLP_ENDPOINT'] ||
      env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'],
  );
}

function spanProcessorsFor(
  opts: TracingOptions,
  env: NodeJS.ProcessEnv,
): SpanProcessor[] {
  const processors = [...(opts.spanProcessors ?? [])];
  if (hasOtlpEndpoint(env)) {
    // Endpoint, headers, timeout and batch sizes come from the standard OTEL_* variables.
    processors.push(new BatchSpanProcessor(new OTLPTraceExporter()));
  }
  // Without any processor NodeSDK registers no tracer provider: spans would be no-ops
  // without ids, and work started here (e.g. a Kafka message) would carry no trace context.
  return processors.length > 0 ? processors : [new NoopSpanProcessor()];
}

/**
 * Starts the OpenTelemetry SDK once per process (later calls return the first
 * instance): W3C trace context, http/express/pg instrumentation (Kafka spans come from libs/messaging, which
 * carries the context written with each outbox row; the kafkajs instrumentation
 * would overwrite it with the relay's own context), and
 * OTLP/HTTP export when an OTLP endpoint is configured. OTEL_SDK_DISABLED=true
 * turns everything off.
 */
export function startTracing(opts: TracingOptions): Tracing {
  if (startedTracing) {
    return startedTracing;
  }
  if (isSdkDisabled(process.env)) {
    startedTracing = { shutdown: () => Promise.resolve() };
    return startedTracing;
  }

  const sdk = new NodeSDK({
    serviceName: opts.serviceName,
    spanProcessors: spanProcessorsFor(opts, process.env),
    // Metrics are served by prom-client and logs by pino; without these empty lists the
    // SDK would start its default OTLP metric and log exporters.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req: IncomingMessage) =>
          isOperationalPath((req.url ?? '').split('?', 1)[0]),
      }),
      new ExpressInstrumentation(),
      // Pool pings and idle polling outside a request or message would be noise.
      new PgInstrumentation({ requireParentSpan: true }),
    ],
  });
  sdk.start();

  let stopping: Promise<void> | undefined;
  startedTracing = {
    shutdown: () => (stopping ??= sdk.shutdown()),
  };
  return startedTracing;
}

import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** Nest injection token of the service's prom-client Registry. */
export const METRICS_REGISTRY = 'CARDLINK_METRICS_REGISTRY';

/**
 * A registry per service rather than prom-client's global one, so tests and
 * several Nest apps in one process never collide on metric names. Node process
 * metrics are collected into it and every series carries `service`.
 */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

export const HTTP_REQUEST_DURATION_METRIC =
  'cardlink_http_request_duration_seconds';

export type HttpRequestLabel = 'method' | 'route' | 'status_code';

/** The HTTP latency histogram of a registry, created on first use. */
export function httpRequestDuration(
  registry: Registry,
): Histogram<HttpRequestLabel> {
  const existing = registry.getSingleMetric(HTTP_REQUEST_DURATION_METRIC);
  if (existing) {
    return existing as Histogram<HttpRequestLabel>;
  }
  return new Histogram<HttpRequestLabel>({
    name: HTTP_REQUEST_DURATION_METRIC,
    help: 'Duration of HTTP requests handled by the service, by route pattern.',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
}

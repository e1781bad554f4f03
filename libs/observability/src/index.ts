/**
 * Logging, metrics, health and tracing shared by every cardlink service.
 * See README.md for the redaction list and metric naming rules.
 */
export {
  REDACTED,
  maskEmail,
  maskPhone,
  maskSecret,
} from './lib/logging/masking';
export { createLogger, type LoggerOptions } from './lib/logging/logger';
export { LoggingModule } from './lib/logging/logging.module';

export {
  METRICS_REGISTRY,
  createMetricsRegistry,
} from './lib/metrics/metrics-registry';
export { MetricsModule } from './lib/metrics/metrics.module';
export {
  scrapeGauge,
  type ScrapeGaugeOptions,
  type ScrapeSample,
} from './lib/metrics/scrape-gauge';

export type { ReadinessCheck } from './lib/health/readiness-check';
export { HealthModule } from './lib/health/health.module';

export {
  startTracing,
  type Tracing,
  type TracingOptions,
} from './lib/tracing/tracing';
export { currentTraceId } from './lib/tracing/trace-context';

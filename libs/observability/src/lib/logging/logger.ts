import pino from 'pino';
import { traceLogFields } from '../tracing/trace-context';
import { censorLoggedValue, REDACT_PATHS } from './redaction';

export interface LoggerOptions {
  /** Service name, written to every line as `service`. */
  service: string;
  /** pino level; defaults to LOG_LEVEL from the environment, then 'info'. */
  level?: string;
  /** Where lines go; defaults to stdout. Tests pass an in-memory stream. */
  destination?: pino.DestinationStream;
}

/**
 * The one pino configuration shared by `createLogger` and the HTTP request
 * logger of `LoggingModule`, so both redact and format identically.
 */
export function buildPinoOptions(
  opts: Pick<LoggerOptions, 'service' | 'level'>,
): pino.LoggerOptions {
  return {
    level: opts.level ?? process.env['LOG_LEVEL'] ?? 'info',
    base: { service: opts.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Level names rather than numbers keep the JSON readable in any log backend.
    formatters: { level: (label) => ({ level: label }) },
    mixin: traceLogFields,
    redact: { paths: [...REDACT_PATHS], censor: censorLoggedValue },
  };
}

/** A JSON logger for code outside Nest's request scope (bootstrap, workers, scripts). */
export function createLogger(opts: LoggerOptions): pino.Logger {
  const options = buildPinoOptions(opts);
  return opts.destination ? pino(options, opts.destination) : pino(options);
}

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Module, type DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { Options as PinoHttpOptions } from 'pino-http';
import type pino from 'pino';
import { buildPinoOptions, type LoggerOptions } from './logger';
import { isOperationalPath, requestPath } from '../operational-paths';
import { redactUrlQuery } from './redaction';

export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * Caller-supplied ids are accepted only in a bounded, log-safe shape, so a client
 * cannot inject line breaks or megabytes into every log line of its request.
 */
const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

function requestIdFor(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers[REQUEST_ID_HEADER];
  const requestId =
    typeof incoming === 'string' && ACCEPTABLE_REQUEST_ID.test(incoming)
      ? incoming
      : randomUUID();
  // Echoed back so callers can quote it when reporting a problem.
  res.setHeader(REQUEST_ID_HEADER, requestId);
  return requestId;
}

export function buildPinoHttpOptions(
  opts: Pick<LoggerOptions, 'service' | 'level'>,
): PinoHttpOptions {
  return {
    ...buildPinoOptions(opts),
    genReqId: requestIdFor,
    autoLogging: { ignore: (req) => isOperationalPath(requestPath(req)) },
    customLogLevel: (_req, res, err) => {
      if (err || res.statusCode >= 500) return 'error';
      if (res.statusCode >= 400) return 'warn';
      return 'info';
    },
    serializers: {
      req: (req: pino.SerializedRequest) => ({
        ...req,
        url: redactUrlQuery(req.url),
      }),
    },
  };
}

/**
 * Nest-wide JSON logging: one pino logger shared by `Logger` injections and the
 * per-request logger, with request ids and the same redaction as `createLogger`.
 * Bootstrap with `bufferLogs: true` and `app.useLogger(app.get(Logger))` from nestjs-pino.
 */
@Module({})
export class LoggingModule {
  static forRoot(opts: LoggerOptions): DynamicModule {
    const pinoHttp = buildPinoHttpOptions(opts);
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: opts.destination ? [pinoHttp, opts.destination] : pinoHttp,
        }),
      ],
      exports: [LoggerModule],
    };
  }
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { Histogram, Registry } from 'prom-client';
import { isOperationalPath, requestPath } from '../operational-paths';
import {
  httpRequestDuration,
  METRICS_REGISTRY,
  type HttpRequestLabel,
} from './metrics-registry';

/** Route label of requests no handler matched (scanners, typos): one series, not one per URL. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * Global Nest middleware (this one included) are Express routes on a pure
 * catch-all path such as `/{*splat}`. When no handler matches, `req.route` is
 * left pointing at one of them, so such a path means "unmatched".
 */
const CATCH_ALL_ROUTE = /^\/?(\{\*\w*\}|\*\w*|\(\.\*\))$/;

function routeLabel(routePath: unknown): string {
  return typeof routePath === 'string' && !CATCH_ALL_ROUTE.test(routePath)
    ? routePath
    : UNMATCHED_ROUTE;
}

/** The parts of an Express request this middleware reads; kept structural to avoid an express dependency. */
type RoutedRequest = IncomingMessage & { route?: { path?: unknown } };

/**
 * Times every request and labels it with the matched route PATTERN
 * (`/orders/:id`), which Express records on `req.route` once a handler matched.
 * A middleware rather than an interceptor, so requests rejected by guards or
 * pipes are measured too.
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  private readonly duration: Histogram<HttpRequestLabel>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.duration = httpRequestDuration(registry);
  }

  use(req: RoutedRequest, res: ServerResponse, next: () => void): void {
    if (isOperationalPath(requestPath(req))) {
      next();
      return;
    }
    const stopTimer = this.duration.startTimer();
    res.once('finish', () => {
      stopTimer({
        method: req.method ?? 'UNKNOWN',
        route: routeLabel(req.route?.path),
        status_code: String(res.statusCode),
      });
    });
    next();
  }
}

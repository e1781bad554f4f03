import type { IncomingMessage } from 'node:http';

/**
 * Probe and scrape endpoints. They are neither logged per request nor timed,
 * because their traffic would drown real requests in logs and latency metrics.
 */
export function isOperationalPath(path: string): boolean {
  return path === '/metrics' || path.startsWith('/health/');
}

/** The request path without query string, as the client sent it. */
export function requestPath(req: IncomingMessage): string {
  // Express shortens req.url inside middleware mounted under a path; originalUrl stays whole.
  const url =
    (req as IncomingMessage & { originalUrl?: string }).originalUrl ??
    req.url ??
    '';
  const queryStart = url.indexOf('?');
  return queryStart === -1 ? url : url.slice(0, queryStart);
}

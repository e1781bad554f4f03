import { HttpException, HttpStatus, Inject, Injectable, type HttpServer } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingHttpHeaders } from 'node:http';

/** Larger bodies are refused (413) before they are read. */
export const MAX_BODY_BYTES = 256 * 1024;

/** Where signed deliveries come in: their signatures cover the exact bytes sent. */
const INBOUND_PATH_PREFIXES = ['/webhooks/', '/callbacks/'];

const BODY_PROBLEM = Symbol('cardlink.inbound.bodyProblem');

/** The parts of an Express request the inbound endpoints read; structural, to need no express types. */
export interface InboundRequest {
  method: string;
  url: string;
  originalUrl?: string;
  headers: IncomingHttpHeaders;
  body?: unknown;
  [BODY_PROBLEM]?: 'too-large' | 'encoded';
}

function isInbound(request: InboundRequest): boolean {
  const path = (request.originalUrl ?? request.url).split('?')[0] ?? '';
  return request.method === 'POST' && INBOUND_PATH_PREFIXES.some((prefix) => path.startsWith(prefix));
}

export type RejectedOutcome = 'rejected_signature' | 'rejected_timestamp' | 'rejected_body' | 'rejected_size' | 'rejected_content_type';
/** `ignored`: acknowledged, nothing to publish (a payment callback for a trade that is not paid). */
export type WebhookOutcome = 'accepted' | 'duplicate' | 'ignored' | RejectedOutcome;

const REJECTION_STATUS: Record<RejectedOutcome, HttpStatus> = {
  rejected_signature: HttpStatus.UNAUTHORIZED,
  rejected_timestamp: HttpStatus.UNAUTHORIZED,
  rejected_body: HttpStatus.BAD_REQUEST,
  rejected_size: HttpStatus.PAYLOAD_TOO_LARGE,
  rejected_content_type: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
};

const REJECTION_ERROR: Record<RejectedOutcome, string> = {
  rejected_signature: 'Unauthorized',
  rejected_timestamp: 'Unauthorized',
  rejected_body: 'Bad Request',
  rejected_size: 'Payload Too Large',
  rejected_content_type: 'Unsupported Media Type',
};

/** A delivery refused before anything was stored; the reason is meant for the sender. */
export class InboundRejected extends HttpException {
  constructor(
    readonly outcome: RejectedOutcome,
    readonly reason: string,
  ) {
    const status = REJECTION_STATUS[outcome];
    super({ statusCode: status, error: REJECTION_ERROR[outcome], message: reason }, status);
  }
}

/**
 * The exact bytes the sender signed, after checking the media type and size.
 * Throws InboundRejected (415, 413) otherwise.
 */
export function signedBody(request: InboundRequest, mediaType: string): Buffer {
  const given = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (given !== mediaType) {
    throw new InboundRejected('rejected_content_type', `content-type must be ${mediaType}, got ${given ? given.slice(0, 100) : 'none'}`);
  }
  if (request[BODY_PROBLEM] === 'too-large') {
    throw new InboundRejected('rejected_size', `the body is larger than ${MAX_BODY_BYTES / 1024} KiB`);
  }
  if (request[BODY_PROBLEM] === 'encoded') {
    throw new InboundRejected('rejected_content_type', 'content-encoding is not supported: send the body uncompressed');
  }
  return Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
}

/** A single-valued header; a repeated one counts as missing, since a sender never repeats these. */
export function headerOf(request: InboundRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

interface BodyParserError {
  type?: string;
}

/**
 * Keeps the raw bytes of inbound deliveries, which signatures are computed
 * over. Nest's global JSON parser would consume and re-shape them, and module
 * middleware runs after it, so the raw parser is installed on the HTTP adapter
 * while the module is being built, ahead of the global parsers (which then see
 * a read request and skip it). Size and encoding errors are kept on the
 * request, for the endpoint to answer and count like every other refusal.
 */
@Injectable()
export class RawBodyCapture {
  constructor(@Inject(HttpAdapterHost) host: HttpAdapterHost) {
    const adapter: HttpServer | undefined = host.httpAdapter;
    if (!adapter?.useBodyParser) {
      throw new Error('shop-gateway needs the Express HTTP adapter while its module is created (start it with bootstrapService)');
    }
    adapter.useBodyParser('raw', false, { type: isInbound, limit: MAX_BODY_BYTES, inflate: false });
    // Four parameters: Express recognises error handlers by their arity.
    const keepBodyProblem = (error: BodyParserError, request: InboundRequest, _response: unknown, next?: (error?: unknown) => void): void => {
      if (!isInbound(request)) return void next?.(error);
      if (error.type === 'entity.too.large') request[BODY_PROBLEM] = 'too-large';
      else if (error.type === 'encoding.unsupported') request[BODY_PROBLEM] = 'encoded';
      else return void next?.(error);
      next?.();
    };
    adapter.use(keepBodyProblem);
  }
}

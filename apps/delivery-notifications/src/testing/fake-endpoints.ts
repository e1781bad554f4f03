import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A real SMTP server on a fixed port that can go down and come back, keeping every message it accepted. */
export class TestSmtpServer {
  readonly messages: ParsedMail[] = [];
  private server?: SMTPServer;

  /** 0 until the first start picks a free port; a restart listens on the same one, so the service's settings still hold. */
  constructor(public port = 0) {}

  async start(): Promise<void> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData: (stream, _session, callback) => {
        simpleParser(stream).then(
          (mail) => {
            if (mail.to && JSON.stringify(mail.to).includes('bounce@')) {
              callback(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }));
              return;
            }
            this.messages.push(mail);
            callback();
          },
          (error: Error) => callback(error),
        );
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    const address = server.server.address();
    if (address !== null && typeof address === 'object') this.port = address.port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  to(address: string): ParsedMail[] {
    return this.messages.filter((m) => JSON.stringify(m.to ?? '').includes(address));
  }
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** A small HTTP server that records requests and answers from a handler. */
export class TestHttpServer {
  readonly requests: RecordedRequest[] = [];
  private server?: Server;
  url = '';

  constructor(private readonly handler: (request: RecordedRequest) => { status: number; json?: unknown }) {}

  async start(): Promise<void> {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
        const request = { method: req.method ?? 'GET', path: req.url ?? '/', headers, body: Buffer.concat(chunks).toString('utf8') };
        this.requests.push(request);
        const answer = this.handler(request);
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(answer.json === undefined ? '' : JSON.stringify(answer.json));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', () => resolve()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/**
 * Plays the shop's token and fulfilment endpoints: one fulfilment per
 * Idempotency-Key, as the real shop promises.
 */
export function testShop(): TestHttpServer & { fulfilments: () => { orderId: string; lineId: string; cards: { code: string; password?: string }[] }[] } {
  const seen = new Map<string, string>();
  const server = new TestHttpServer((request) => {
    if (request.method === 'POST' && request.path === '/oauth/token') return { status: 200, json: { access_token: 'shop-token', token_type: 'Bearer', expires_in: 3600 } };
    const match = /^\/api\/orders\/([^/]+)\/fulfilments$/.exec(request.path);
    if (request.method === 'POST' && match) {
      const key = request.headers['idempotency-key'] ?? '';
      const id = seen.get(key) ?? `ful-${seen.size + 1}`;
      seen.set(key, id);
      return { status: 201, json: { fulfilmentId: id } };
    }
    return { status: 404, json: { error: 'not_found', message: request.path } };
  });
  return Object.assign(server, {
    fulfilments: () => {
      const byKey = new Map<string, RecordedRequest>();
      for (const r of server.requests) if (r.path.endsWith('/fulfilments')) byKey.set(r.headers['idempotency-key'] ?? '', r);
      return [...byKey.values()].map((r) => ({
        orderId: decodeURIComponent(/^\/api\/orders\/([^/]+)\//.exec(r.path)?.[1] ?? ''),
        ...(JSON.parse(r.body) as { lineId: string; cards: { code: string; password?: string }[] }),
      }));
    },
  });
}

/** Collects what the process writes to stdout (the service's JSON logs) without printing it. */
export function captureStdout(): { text: () => string; restore: () => void } {
  const chunks: string[] = [];
  const original = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    callback?.();
    return true;
  }) as typeof process.stdout.write;
  return { text: () => chunks.join(''), restore: () => (process.stdout.write = original) };
}

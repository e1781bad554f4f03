import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One received span, reduced to what a trace test looks at. */
export interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  /** Undefined for a trace's root span. */
  parentSpanId?: string;
  name: string;
  kind: SpanKindName;
  startNanos: bigint;
  attributes: Record<string, string | number | boolean>;
}

export type SpanKindName = 'unspecified' | 'internal' | 'server' | 'client' | 'producer' | 'consumer';
const KINDS: readonly SpanKindName[] = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];

interface OtlpAnyValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
}
interface OtlpKeyValue {
  key: string;
  value?: OtlpAnyValue;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number;
  startTimeUnixNano?: string | number;
  attributes?: OtlpKeyValue[];
}
interface OtlpExport {
  resourceSpans?: { resource?: { attributes?: OtlpKeyValue[] }; scopeSpans?: { spans?: OtlpSpan[] }[] }[];
}

function valueOf(value: OtlpAnyValue | undefined): string | number | boolean {
  if (!value) return '';
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.boolValue !== undefined) return value.boolValue;
  return '';
}

function attributesOf(list: OtlpKeyValue[] | undefined): Record<string, string | number | boolean> {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key, valueOf(kv.value)]));
}

/** OTLP/JSON ids are hex; base64 (the protobuf JSON mapping) is accepted too. */
function hexId(id: string | undefined): string | undefined {
  if (!id) return undefined;
  if (/^[0-9a-f]+$/i.test(id)) return id.toLowerCase();
  return Buffer.from(id, 'base64').toString('hex');
}

/** Flattens one OTLP/JSON ExportTraceServiceRequest into spans. */
export function spansOfExport(body: OtlpExport): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const resourceSpans of body.resourceSpans ?? []) {
    const service = String(attributesOf(resourceSpans.resource?.attributes)['service.name'] ?? 'unknown');
    for (const scope of resourceSpans.scopeSpans ?? []) {
      for (const span of scope.spans ?? []) {
        const parent = hexId(span.parentSpanId);
        spans.push({
          service,
          traceId: hexId(span.traceId) ?? '',
          spanId: hexId(span.spanId) ?? '',
          ...(parent && !/^0+$/.test(parent) ? { parentSpanId: parent } : {}),
          name: span.name,
          kind: KINDS[span.kind ?? 0] ?? 'unspecified',
          startNanos: BigInt(span.startTimeUnixNano ?? 0),
          attributes: attributesOf(span.attributes),
        });
      }
    }
  }
  return spans;
}

/**
 * A stand-in OpenTelemetry collector: accepts OTLP/HTTP JSON exports on
 * POST /v1/traces (what libs/observability's exporter sends) and keeps the
 * spans in memory. Protobuf bodies are refused with 415, so a
 * misconfigured exporter shows up as missing spans and a count here.
 */
export class TraceReceiver {
  readonly spans: ReceivedSpan[] = [];
  refused = 0;
  private server?: Server;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const json = (req.headers['content-type'] ?? '').includes('application/json');
        if (req.method !== 'POST' || req.url !== '/v1/traces' || !json) {
          this.refused += 1;
          res.writeHead(req.url === '/v1/traces' ? 415 : 404).end();
          return;
        }
        try {
          this.spans.push(...spansOfExport(JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpExport));
        } catch {
          this.refused += 1;
          res.writeHead(400, { 'content-type': 'application/json' }).end('{"message":"not an OTLP/JSON export"}');
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    const server = this.server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server) await new Promise((resolve) => server.close(resolve));
  }

  trace(traceId: string): ReceivedSpan[] {
    return this.spans.filter((s) => s.traceId === traceId);
  }
}

/**
 * The spans of one trace as an indented tree, children in start order. Spans
 * `keep` rejects are left out (their children move up to the nearest kept
 * ancestor); a span whose parent never arrived is marked.
 */
export function renderTrace(spans: readonly ReceivedSpan[], label: (span: ReceivedSpan) => string = defaultLabel, keep: (span: ReceivedSpan) => boolean = () => true): string {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const keptParent = (span: ReceivedSpan): string | undefined => {
    let parent = span.parentSpanId ? byId.get(span.parentSpanId) : undefined;
    while (parent && !keep(parent)) parent = parent.parentSpanId ? byId.get(parent.parentSpanId) : undefined;
    return parent?.spanId;
  };
  const children = new Map<string | undefined, ReceivedSpan[]>();
  for (const span of spans.filter(keep)) {
    const parent = keptParent(span);
    children.set(parent, [...(children.get(parent) ?? []), span]);
  }
  const lines: string[] = [];
  const walk = (parent: string | undefined, depth: number) => {
    const level = [...(children.get(parent) ?? [])].sort((a, b) => (a.startNanos < b.startNanos ? -1 : a.startNanos > b.startNanos ? 1 : 0));
    for (const span of level) {
      const missingParent = parent === undefined && span.parentSpanId && !byId.has(span.parentSpanId) ? ' (parent span not received)' : '';
      lines.push(`${'  '.repeat(depth)}${label(span)}${missingParent}`);
      walk(span.spanId, depth + 1);
    }
  };
  walk(undefined, 0);
  return lines.join('\n');
}

function defaultLabel(span: ReceivedSpan): string {
  return `[${span.service}] ${span.kind} ${span.name}${span.parentSpanId ? '' : ' (root)'}`;
}

import type { Client } from 'pg';

/**
 * Where one order's time goes between services, read from the tables every
 * hop already writes: an event's outbox row (created at the producer's
 * transaction start, published once Kafka acknowledged it) and the
 * consumer's inbox row (at the start of its handling transaction), and the
 * delivery dispatcher's first attempt of each delivery.
 */
export interface HopTiming {
  /** "producer → consumer: event type", or "dispatcher: channel". */
  hop: string;
  count: number;
  /** Outbox row written → Kafka acknowledged (relay wait + produce); for the dispatcher: delivery written → first attempt started. */
  waitMs: { p50: number; p95: number };
  /** Kafka acknowledged → consumer's transaction started; for the dispatcher: the first attempt's send. */
  nextMs: { p50: number; p95: number };
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
const ms = (expr: string, p: number) => `round((percentile_cont(${p}) WITHIN GROUP (ORDER BY extract(epoch FROM ${expr}) * 1000))::numeric, 1)::float8`;

/** `schemas`: service name → its schema; only rows written since `since` count. */
export async function hopTimings(client: Client, schemas: Readonly<Record<string, string>>, since: Date): Promise<HopTiming[]> {
  const services = Object.entries(schemas);
  const outboxes = services
    .map(([name, schema]) => `SELECT '${name}' AS producer, event_id::text AS event_id, event_type, created_at, published_at FROM ${ident(schema)}.outbox`)
    .join(' UNION ALL ');
  const inboxes = services.map(([name, schema]) => `SELECT '${name}' AS consumer, event_id, processed_at FROM ${ident(schema)}.inbox`).join(' UNION ALL ');
  const { rows: hops } = await client.query<{ hop: string; count: number; w50: number; w95: number; n50: number; n95: number }>(
    `SELECT ob.producer || ' → ' || ib.consumer || ': ' || ob.event_type AS hop, count(*)::int AS count,
            ${ms('ob.published_at - ob.created_at', 0.5)} AS w50, ${ms('ob.published_at - ob.created_at', 0.95)} AS w95,
            ${ms('ib.processed_at - ob.published_at', 0.5)} AS n50, ${ms('ib.processed_at - ob.published_at', 0.95)} AS n95
     FROM (${outboxes}) ob JOIN (${inboxes}) ib USING (event_id)
     WHERE ob.created_at >= $1 AND ob.published_at IS NOT NULL
     GROUP BY 1 ORDER BY min(ob.created_at - $1::timestamptz)`,
    [since],
  );
  const delivery = schemas['delivery-notifications'];
  const { rows: dispatch } = delivery
    ? await client.query<{ hop: string; count: number; w50: number; w95: number; n50: number; n95: number }>(
        `SELECT 'dispatcher: ' || d.channel AS hop, count(*)::int AS count,
                ${ms('a.started_at - d.created_at', 0.5)} AS w50, ${ms('a.started_at - d.created_at', 0.95)} AS w95,
                ${ms('a.finished_at - a.started_at', 0.5)} AS n50, ${ms('a.finished_at - a.started_at', 0.95)} AS n95
         FROM ${ident(delivery)}.deliveries d JOIN ${ident(delivery)}.delivery_attempts a ON a.delivery_id = d.id AND a.number = 1
         WHERE d.created_at >= $1 GROUP BY 1 ORDER BY 1`,
        [since],
      )
    : { rows: [] };
  return [...hops, ...dispatch].map((r) => ({ hop: r.hop, count: r.count, waitMs: { p50: r.w50, p95: r.w95 }, nextMs: { p50: r.n50, p95: r.n95 } }));
}

export function hopTable(hops: readonly HopTiming[]): string[] {
  return [
    '| hop | events | written → published p50 / p95 ms | published → consumed p50 / p95 ms |',
    '| --- | ---: | ---: | ---: |',
    ...hops.map((h) => `| ${h.hop} | ${h.count} | ${h.waitMs.p50} / ${h.waitMs.p95} | ${h.nextMs.p50} / ${h.nextMs.p95} |`),
    '',
    'For the dispatcher rows: delivery written → first attempt started, and the first attempt\'s send.',
  ];
}

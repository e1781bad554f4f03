import { randomBytes } from 'node:crypto';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { deliveryRecipient, sealForDelivery } from '@cardlink/card-crypto';
import { CardsAllocated, createEnvelope, DeliveryFailed, DeliverySucceeded } from '@cardlink/contracts';
import { encodeEvent } from '@cardlink/messaging';
import { DeliveryUnderTest, type TestCard } from '../testing/delivery-under-test';

/** Counts of one counter from a Prometheus text exposition, by `channel/outcome`. */
function countsOf(exposition: string, metric: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [, labels, value] of exposition.matchAll(new RegExp(`^${metric}\\{([^}]*)\\} (\\S+)$`, 'gm'))) {
    const channel = /channel="([^"]+)"/.exec(labels ?? '')?.[1];
    const outcome = /outcome="([^"]+)"/.exec(labels ?? '')?.[1];
    const n = Number(value);
    if (n > 0) counts[`${channel}/${outcome}`] = n;
  }
  return counts;
}

function tally(rows: { key: string; n: string }[]): Record<string, number> {
  return Object.fromEntries(rows.map((r) => [r.key, Number(r.n)]));
}

describe('delivery dispatcher: one trace per order and outcome counters', () => {
  const world = new DeliveryUnderTest();
  const spans = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  const contextManager = new AsyncLocalStorageContextManager().enable();

  beforeAll(async () => {
    trace.setGlobalTracerProvider(provider);
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    context.setGlobalContextManager(contextManager);
    await world.start();
  }, 90_000);

  afterAll(async () => {
    await world.stop();
    await provider.shutdown();
    trace.disable();
    propagation.disable();
    context.disable();
  }, 60_000);

  const cardsOf = (orderId: string): TestCard[] => [{ cardId: `${orderId}-c1`, code: `CODE-${randomBytes(4).toString('hex')}`, password: randomBytes(4).toString('hex') }];

  /** CardsAllocated as card-inventory's relay publishes it: with the traceparent of the order's trace. */
  async function allocatedInTrace(orderId: string, cards: TestCard[], traceId: string): Promise<void> {
    const recipient = deliveryRecipient(world.keys.publicKey);
    const envelope = createEnvelope(CardsAllocated, {
      source: 'test',
      subject: orderId,
      correlationId: `flow-${orderId}`,
      data: {
        orderId,
        allocationId: `alloc-${orderId}`,
        lines: [{ lineId: 'line-1', productId: 'prod-default', cards: cards.map((c) => ({ cardId: c.cardId, secret: sealForDelivery(JSON.stringify({ code: c.code, password: c.password }), recipient) })) }],
        allocatedAt: new Date().toISOString(),
      },
    });
    const traceparent = `00-${traceId}-${randomBytes(8).toString('hex')}-01`;
    await world.producer.send([{ topic: `${world.prefix}${CardsAllocated.topic}`, ...encodeEvent(envelope, { traceparent }) }]);
  }

  it('sends each delivery and publishes its outcome in the trace of the allocation that created it, also when the send is retried later', async () => {
    await world.smtp.stop();
    const traceId = randomBytes(16).toString('hex');
    const cards = cardsOf('t1');
    // The allocation comes last, so it is the message that creates the deliveries.
    await world.consumed(await world.paid({ orderId: 't1', shopOrderId: 'TR-0001', email: 'trace1@example.com', productId: 'prod-default', cards }));
    await allocatedInTrace('t1', cards, traceId);
    // The email fails while the SMTP server is down: later passes of the dispatcher retry it.
    await world.eventually(
      () => world.query(`SELECT 1 FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.order_id = 't1' AND a.outcome = 'transient'`),
      (rows) => rows.length >= 2,
    );
    await world.smtp.start();
    expect((await world.settled('t1', 2)).map((d) => [d.channel, d.status])).toEqual([
      ['email', 'succeeded'],
      ['shop', 'succeeded'],
    ]);

    const outcomes = await world.query<{ event_type: string; traceparent: string | null }>(`SELECT event_type, headers->>'traceparent' AS traceparent FROM outbox WHERE message_key = 't1'`);
    expect(outcomes.map((o) => o.event_type)).toEqual([DeliverySucceeded.type, DeliverySucceeded.type]);
    for (const outcome of outcomes) expect(outcome.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));

    const attempts = spans.getFinishedSpans().filter((s) => s.name === 'delivery attempt');
    const ofOrder = attempts.filter((s) => s.spanContext().traceId === traceId);
    expect(ofOrder.length).toBeGreaterThanOrEqual(4);
    expect(ofOrder.every((s) => s.parentSpanContext?.spanId !== undefined)).toBe(true);
    expect(new Set(ofOrder.map((s) => s.attributes['cardlink.delivery.channel']))).toEqual(new Set(['email', 'shop']));
  }, 90_000);

  it('counts every committed attempt by channel and outcome, and every delivery once when it is delivered or given up', async () => {
    const bounced = cardsOf('t2');
    const old = cardsOf('t3');
    await world.paidAndAllocated({ orderId: 't2', shopOrderId: 'TR-0002', email: 'bounce@example.com', productId: 'prod-default', cards: bounced });
    await world.paidAndAllocated({ orderId: 't3', shopOrderId: 'TR-0003', email: 'trace3@example.com', productId: 'prod-default', cards: old, allocatedAt: new Date(Date.now() - 2 * 3_600_000) });
    expect((await world.settled('t2', 2)).map((d) => [d.channel, d.status])).toEqual([
      ['email', 'failed'],
      ['shop', 'succeeded'],
    ]);
    expect((await world.settled('t3', 2)).map((d) => [d.channel, d.status])).toEqual([
      ['email', 'withheld'],
      ['shop', 'succeeded'],
    ]);

    // What the database committed: the attempts' history (withheld ones leave no attempt row) and the outcome events.
    const attemptRows = tally(
      await world.query(
        `SELECT key, count(*) AS n FROM (
           SELECT d.channel || '/' || a.outcome AS key FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
           UNION ALL SELECT channel || '/withheld' FROM deliveries WHERE status = 'withheld') x GROUP BY key`,
      ),
    );
    const outcomeEvents = tally(
      await world.query(
        `SELECT (payload::jsonb->>'channel') || '/' || CASE event_type WHEN $1 THEN 'delivered' WHEN $2 THEN 'failed' END AS key, count(*) AS n
         FROM outbox WHERE event_type IN ($1, $2) GROUP BY 1`,
        [DeliverySucceeded.type, DeliveryFailed.type],
      ),
    );
    expect(attemptRows).toMatchObject({ 'email/transient': expect.any(Number), 'email/permanent': 1, 'email/withheld': 1, 'shop/succeeded': 3 });
    expect(outcomeEvents).toEqual({ 'email/delivered': 1, 'email/failed': 2, 'shop/delivered': 3 });

    const exposition = await (await fetch(`${world.base}/metrics`)).text();
    expect(countsOf(exposition, 'cardlink_delivery_attempts_total')).toEqual(attemptRows);
    expect(countsOf(exposition, 'cardlink_deliveries_total')).toEqual(outcomeEvents);
    // Every channel's series exists from the start, so a first failure is an increase.
    expect(exposition).toContain('cardlink_deliveries_total{channel="sms",outcome="failed",service="delivery-notifications"} 0');
  }, 90_000);
});

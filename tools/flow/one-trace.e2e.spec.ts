/**
 * One order is one trace: the six services as production builds export their
 * spans over OTLP/HTTP (the standard OTEL_* variables) to an in-test
 * receiver; one order placed through the shop simulator must show the
 * gateway's webhook request and the handling in order-processing,
 * risk-control, card-inventory and delivery-notifications under one trace id.
 */
import { randomBytes } from 'node:crypto';
import { runLoad, type RunningShopSimulator } from '@cardlink/shop-simulator';
import { AdminApi } from './admin-api';
import { prepareProducts, publishFlowRuleSet, type PreparedProduct } from './scenario';
import { renderTrace, TraceReceiver, type ReceivedSpan } from './trace-receiver';
import { startSimulatedWorld } from './simulated-world';
import { runLogDir, type World } from './world';

const RUN_ID = `trace${randomBytes(3).toString('hex')}`;
const PORT_OFFSET = Number(process.env['CARDLINK_E2E_PORT_OFFSET'] ?? 200);
const BATCH_DELAY_MS = 200;
const PAID_WEBHOOK_EVENT = 'cardlink.shop.order-paid.v1';

jest.setTimeout(5 * 60_000);

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const isWebhookRequest = (span: ReceivedSpan) =>
  span.service === 'shop-gateway' && span.kind === 'server' && String(span.attributes['http.route'] ?? span.attributes['url.path'] ?? span.attributes['http.target'] ?? '').includes('/webhooks/shop');

/** Requests, messages and outgoing calls; database queries and express middleware are folded into them. */
const isHop = (span: ReceivedSpan) => !span.name.startsWith('pg') && !span.name.startsWith('middleware') && !span.name.startsWith('request handler');

const label = (span: ReceivedSpan) => {
  const event = span.attributes['cloudevents.event_type'];
  return `[${span.service}] ${span.kind} ${span.name}${event ? ` (${String(event)})` : ''}${span.parentSpanId ? '' : ' ROOT'}`;
};

describe('one order is one trace from webhook to delivery', () => {
  const receiver = new TraceReceiver();
  const log = (line: string) => process.stdout.write(`[trace] ${line}\n`);
  let simulator: RunningShopSimulator;
  let world: World;
  let product: PreparedProduct;
  let orderId: string;
  const shopOrderId = `${RUN_ID}-000001`;

  beforeAll(async () => {
    const endpoint = await receiver.start();
    ({ simulator, world } = await startSimulatedWorld({
      mode: 'isolated',
      portOffset: PORT_OFFSET,
      logDir: runLogDir('one-trace'),
      log,
      simulator: { seed: 9 },
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_BSP_SCHEDULE_DELAY: String(BATCH_DELAY_MS),
        OTEL_SDK_DISABLED: 'false',
      },
    }));
    const api = new AdminApi(world);
    await publishFlowRuleSet(api, RUN_ID);
    [product] = await prepareProducts(simulator, api, RUN_ID, [{ key: 'gift', title: 'Gift card 100', price: 10_000, cards: 3 }]);
    const load = await runLoad(simulator, [
      {
        shopOrderId,
        listingId: product.listingId,
        quantity: 1,
        buyer: { buyerId: `${RUN_ID}-buyer`, email: `buyer.${RUN_ID}@example.com`, phone: '+8613900123456', ip: '198.51.100.7', deviceId: `${RUN_ID}-device`, locale: 'en' },
        fraud: false,
        burst: false,
        atMs: 0,
      },
    ]);
    expect(load.placed).toBe(1);
    orderId = await until('the order to be COMPLETED', 90_000, async () => {
      const page = await api.get<{ items: { id: string; shopOrderId: string }[] }>('order-processing', '/orders?state=COMPLETED');
      return page.items.find((o) => o.shopOrderId === shopOrderId)?.id;
    });
    // The last hop's spans end just before COMPLETED is visible: give every batch processor a few rounds.
    await new Promise((resolve) => setTimeout(resolve, BATCH_DELAY_MS * 10 + 1_000));
    log(`order ${shopOrderId} (${orderId}) completed; ${receiver.spans.length} spans received, ${receiver.refused} exports refused`);
  });

  afterAll(async () => {
    await world?.stop({ keepData: false });
    await simulator?.close();
    await receiver.stop();
  });

  /** The paid webhook's trace: the one whose first hop in order-processing handles the shop's order-paid event. */
  const paidTrace = () => {
    const webhookTraces = new Set(receiver.spans.filter(isWebhookRequest).map((s) => s.traceId));
    const firstHop = receiver.spans.find(
      (s) => s.service === 'order-processing' && s.kind === 'consumer' && s.attributes['cloudevents.event_type'] === PAID_WEBHOOK_EVENT && webhookTraces.has(s.traceId),
    );
    return { traceId: firstHop?.traceId ?? '', correlationId: String(firstHop?.attributes['cardlink.correlation_id'] ?? '') };
  };

  it('shows the webhook request and the handling in order-processing, risk-control, card-inventory and delivery-notifications under one trace id', () => {
    const { traceId } = paidTrace();
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    const spans = receiver.trace(traceId);
    log(`trace ${traceId} of order ${shopOrderId} (${spans.length} spans, pg and express middleware spans folded):\n${renderTrace(spans, label, isHop)}`);
    const handled = (service: string, event: string) => spans.some((s) => s.service === service && s.kind === 'consumer' && s.attributes['cloudevents.event_type'] === event);
    expect({
      gateway: spans.some(isWebhookRequest),
      orders: handled('order-processing', PAID_WEBHOOK_EVENT),
      risk: handled('risk-control', 'cardlink.orders.order-paid.v1'),
      inventory: handled('card-inventory', 'cardlink.orders.order-approved.v1'),
      delivery: handled('delivery-notifications', 'cardlink.inventory.cards-allocated.v1'),
    }).toEqual({ gateway: true, orders: true, risk: true, inventory: true, delivery: true });
  });

  it('keeps the sending of the delivery and its outcome in the same trace (every message of the order carries it)', () => {
    const { traceId, correlationId } = paidTrace();
    const orderHops = receiver.spans.filter((s) => s.kind === 'consumer' && s.attributes['cardlink.correlation_id'] === correlationId);
    expect(orderHops.map((s) => s.attributes['cloudevents.event_type'])).toContain('cardlink.delivery.delivery-succeeded.v1');
    const elsewhere = orderHops.filter((s) => s.traceId !== traceId);
    for (const other of new Set(elsewhere.map((s) => s.traceId))) log(`a message of the same order in another trace, ${other}:\n${renderTrace(receiver.trace(other), label, isHop)}`);
    expect(elsewhere.map(label)).toEqual([]);
  });

  it('links every span of the trace to one root, the webhook request', () => {
    const paidHop = receiver.spans.find((s) => s.service === 'order-processing' && s.attributes['cloudevents.event_type'] === PAID_WEBHOOK_EVENT);
    const webhook = receiver.spans.find((s) => isWebhookRequest(s) && s.traceId === paidHop?.traceId);
    expect(webhook).toMatchObject({ service: 'shop-gateway', kind: 'server', traceId: paidHop?.traceId });
    const spans = receiver.trace(webhook?.traceId ?? '');
    const roots = spans.filter((s) => !s.parentSpanId);
    expect(roots.map((s) => s.spanId)).toEqual([webhook?.spanId]);
    const ids = new Set(spans.map((s) => s.spanId));
    expect(spans.filter((s) => s.parentSpanId && !ids.has(s.parentSpanId)).map(label)).toEqual([]);
  });
});

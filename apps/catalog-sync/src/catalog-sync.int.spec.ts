import type { Client } from 'pg';
import { CardsAllocated, OrderApproved, ShopOrderPaid, ShopProductUpdated, StockChanged, StockLow, type EventEnvelope } from '@cardlink/contracts';
import { credentialsEnv, testCredential } from '@cardlink/auth/testing';
import { startServiceUnderTest, type ServiceUnderTest } from '@cardlink/platform/testing';
import { startShopSimulator, type Listing, type RunningShopSimulator } from '@cardlink/shop-simulator';
import { AppModule } from './app.module';
import { configSchema } from './config';

/** The parts of API answers the tests read. */
interface ApiBody {
  message?: unknown;
  problems?: string[];
  mapping?: Record<string, unknown>;
  items?: unknown[];
  fixed?: unknown[];
  reported?: unknown[];
  [field: string]: unknown;
}

const SHOP_CLIENT = { clientId: 'cardlink', clientSecret: 'secret' };
const SEALED = { kid: 'k', epk: 'e', iv: 'i', ciphertext: 'c', tag: 't' };

describe('catalog-sync against real Kafka, Postgres and the shop simulator', () => {
  let shop: RunningShopSimulator;
  let catalog: ServiceUnderTest;
  let db: Client;
  let base: string;
  const staff = testCredential('merchant', ['catalog:read', 'catalog:write']);
  const reader = testCredential('viewer', ['catalog:read']);
  let sequence = 0;
  const publish: ServiceUnderTest['publish'] = (definition, subject, data) => catalog.publish(definition, subject, data);

  /** card-inventory's count, naming the orders whose allocation it is the first to include. */
  async function stockChanged(productId: string, available: number, countedOrderIds: string[] = []): Promise<EventEnvelope> {
    sequence += 1;
    return publish(StockChanged, productId, { productId, available, sequence, at: new Date().toISOString(), ...(countedOrderIds.length ? { countedOrderIds } : {}) });
  }

  /** A buyer checks out on the simulated shop (which lowers its own stock), and shop-gateway's report of the paid order. */
  async function buyOnShop(productId: string, quantity: number, shopOrderId: string): Promise<boolean> {
    const sale = await shop.placeOrder({ externalId: productId, quantity, buyer: { id: `buyer-${shopOrderId}` }, shopOrderId });
    if (sale.outcome !== 'placed') return false;
    const { order, payment } = sale;
    await publish(ShopOrderPaid, shopOrderId, {
      order: { shopOrderId, buyer: { buyerId: `buyer-${shopOrderId}` }, lines: order.lines, totalAmount: order.totalAmount, currency: order.currency, createdAt: order.createdAt },
      payment: { paymentId: payment.paymentId, channel: payment.channel, amount: payment.amount, currency: payment.currency, paidAt: payment.paidAt },
    });
    return true;
  }

  /** order-processing approved the shop order as our order, and card-inventory allocated it. */
  async function approveAndAllocate(orderId: string, shopOrderId: string, productId: string, quantity: number): Promise<EventEnvelope[]> {
    const lineId = `${shopOrderId}-L1`;
    const at = new Date().toISOString();
    return [
      await publish(OrderApproved, orderId, { orderId, shopOrderId, lines: [{ lineId, productId, quantity }], approvedAt: at }),
      await publish(CardsAllocated, orderId, {
        orderId,
        allocationId: `A-${orderId}`,
        lines: [{ lineId, productId, cards: Array.from({ length: quantity }, (_, n) => ({ cardId: `C-${orderId}-${n}`, secret: SEALED })) }],
        allocatedAt: at,
      }),
    ];
  }

  /** What cardlink asked of the shop's stock for a listing (adjustments and sets), and every stock level the shop went through. */
  const stockCalls = (listingId: string) => shop.records('stock').filter((r) => r.listingId === listingId && (r.source === 'adjustment' || r.source === 'set'));
  const stockLevels = (listingId: string, since = 0) => shop.records('stock', since).filter((r) => r.listingId === listingId).map((r) => r.stock);
  const lastRecord = () => shop.records().at(-1)?.seq ?? 0;

  async function api(method: string, path: string, body?: unknown, who = staff): Promise<{ status: number; body: ApiBody }> {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: who.authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json().catch(() => ({}))) as ApiBody };
  }

  async function eventually<T>(read: () => T | Promise<T>, accept: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let value = await read();
    while (!accept(value) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 25));
      value = await read();
    }
    return value;
  }

  async function handled(...envelopes: EventEnvelope[]): Promise<void> {
    const ids = envelopes.map((e) => e.id);
    const rows = await eventually(async () => (await db.query('SELECT 1 FROM inbox WHERE event_id = ANY($1)', [ids])).rows, (r) => r.length === ids.length);
    expect(rows).toHaveLength(ids.length);
  }

  /** The shop's own listing object: its fields change as the shop changes them. */
  async function listingOf(productId: string): Promise<Listing> {
    const listing = await eventually(() => shop.shop.listingByExternalId(productId), (l) => l !== undefined);
    if (!listing) throw new Error(`the shop never got a listing for ${productId}`);
    return listing;
  }

  async function createListedProduct(productId: string, extra: Record<string, unknown> = {}): Promise<Listing> {
    const created = await api('POST', '/products', { productId, title: `Card ${productId}`, price: 4850, currency: 'CNY', deliveryChannels: ['shop', 'email'], status: 'listed', ...extra });
    expect(created.status).toBe(201);
    return listingOf(productId);
  }

  async function idle(productId: string): Promise<void> {
    const rows = await eventually(
      async () => (await db.query(`SELECT 1 FROM sync_tasks WHERE product_id = $1 AND status <> 'done'`, [productId])).rows,
      (r) => r.length === 0,
    );
    expect(rows).toEqual([]);
  }

  beforeAll(async () => {
    shop = await startShopSimulator({ port: 0, clients: [SHOP_CLIENT] });
    catalog = await startServiceUnderTest({
      service: 'catalog-sync',
      role: 'cardlink_catalog',
      configSchema,
      module: AppModule,
      env: {
        ...credentialsEnv(staff, reader),
        SHOP_API_URL: shop.url,
        SHOP_CLIENT_ID: SHOP_CLIENT.clientId,
        SHOP_CLIENT_SECRET: SHOP_CLIENT.clientSecret,
        SHOP_API_MAX_ATTEMPTS: '2',
        SYNC_POLL_INTERVAL_MS: '50',
        SYNC_MAX_BACKOFF_MS: '400',
        STOCK_MIN_INTERVAL_MS: '1000',
        RECONCILE_INTERVAL_MS: '0',
      },
    });
    db = catalog.db;
    base = catalog.url;
  }, 60_000);

  afterAll(async () => {
    await catalog?.stop();
    await shop?.close();
  });

  it('closes the API to callers without the right scope and explains bad input', async () => {
    expect((await fetch(`${base}/products`)).status).toBe(401);
    expect((await api('POST', '/products', { title: 'x' }, reader)).status).toBe(403);
    const bad = await api('POST', '/products', { title: '', price: 48.5, currency: 'CNY', deliveryChannels: [], minPerOrder: 5, maxPerOrder: 2 });
    expect(bad.status).toBe(400);
    expect(bad.body.problems).toEqual(expect.arrayContaining(['title: must not be empty', 'deliveryChannels: at least one delivery channel', expect.stringMatching(/^price: /)]));
    const crossField = await api('POST', '/products', { title: 'x', price: 100, currency: 'CNY', deliveryChannels: ['shop'], minPerOrder: 5, maxPerOrder: 2 });
    expect(crossField).toMatchObject({ status: 400, body: { message: ['minPerOrder (5) must not exceed maxPerOrder (2)'] } });
    const unmapped = await api('POST', '/products', { title: 'x', price: 100, currency: 'CNY', deliveryChannels: ['shop'], categories: ['nowhere'] });
    expect(unmapped.status).toBe(400);
    expect(unmapped.body.message).toMatch(/nowhere/);
  });

  it('lists a product in its shop categories, announces it, and refuses a status change the rules forbid', async () => {
    expect((await api('PUT', '/categories/game-cards', { shopCategoryId: 'SC-10', name: 'Game cards' })).status).toBe(200);
    expect((await api('PUT', '/categories/gift-cards', { shopCategoryId: 'SC-20', name: 'Gift cards' })).status).toBe(200);
    const draft = await api('POST', '/products', { productId: 'P-LIST', title: 'Steam 100', price: 4850, currency: 'CNY', deliveryChannels: ['shop'], categories: ['game-cards', 'gift-cards'] });
    expect(draft).toMatchObject({ status: 201, body: { productId: 'P-LIST', status: 'draft', revision: 1 } });
    expect((await api('PATCH', '/products/P-LIST', { status: 'delisted' })).status).toBe(400);
    expect(shop.shop.listingByExternalId('P-LIST')).toBeUndefined();

    expect((await api('PATCH', '/products/P-LIST', { status: 'listed' })).body).toMatchObject({ status: 'listed', revision: 2 });
    const listing = await listingOf('P-LIST');
    expect(listing).toMatchObject({ title: 'Steam 100', price: { amount: 4850, currency: 'CNY' }, categoryIds: ['SC-10', 'SC-20'], status: 'listed', stock: 0 });
    await idle('P-LIST');
    const found = await api('GET', '/products/P-LIST', undefined, reader);
    expect(found.body.mapping).toMatchObject({ listingId: listing.listingId, shopCategoryIds: ['SC-10', 'SC-20'], pushedRevision: 2 });

    const events = await db.query(`SELECT event_type, payload FROM outbox WHERE message_key = 'P-LIST' ORDER BY id`);
    expect(events.rows.map((r) => [r.event_type, JSON.parse(r.payload.toString()).revision])).toEqual([
      ['cardlink.catalog.product-changed.v1', 1],
      ['cardlink.catalog.product-changed.v1', 2],
    ]);

    expect((await api('PATCH', '/products/P-LIST', { status: 'delisted' })).status).toBe(200);
    await eventually(() => listing.status, (s) => s === 'delisted');
    expect(listing.status).toBe('delisted');
  });

  it('puts 10,000 imported cards on the shop with a handful of stock calls, and allocations of shop sales leave it right', async () => {
    const listing = await createListedProduct('P-BULK');
    await idle('P-BULK');
    const started = Date.now();
    // An import in progress: card-inventory publishes coalesced counts as batches commit.
    for (let available = 500; available <= 10_000; available += 500) await stockChanged('P-BULK', available);
    await eventually(() => listing.stock, (s) => s === 10_000, 10_000);
    const elapsedMs = Date.now() - started;
    await idle('P-BULK');
    expect(listing.stock).toBe(10_000);
    const calls = stockCalls(listing.listingId).length;
    process.stdout.write(`catalog-sync: 10,000 cards reached the shop in ${elapsedMs} ms with ${calls} stock call(s)\n`);
    // Coalescing: at most one stock call per listing per STOCK_MIN_INTERVAL_MS (1 s here), however many counts arrive.
    // How fast is a benchmark's figure (printed above), not this test's: a loaded machine only makes it slower.
    expect(calls).toBeLessThanOrEqual(Math.ceil(elapsedMs / 1_000) + 1);

    // The shop sells 3; the count that includes the allocation overtakes the order's approval (different topics).
    const afterSale = lastRecord();
    expect(await buyOnShop('P-BULK', 3, 'SO-1')).toBe(true);
    await eventually(async () => (await db.query(`SELECT believed_stock FROM shop_listings WHERE product_id = 'P-BULK'`)).rows[0].believed_stock, (b) => b === 9_997);
    const counted = await stockChanged('P-BULK', 9_997, ['O-1']);
    const [approved, allocated] = await approveAndAllocate('O-1', 'SO-1', 'P-BULK', 3);
    await handled(counted, approved, allocated);
    await idle('P-BULK');
    expect(listing.stock).toBe(9_997);
    // Never more than the cards left, whatever order the events came in.
    expect(Math.max(...stockLevels(listing.listingId, afterSale))).toBeLessThanOrEqual(9_997);
    // At most a lowering while the count was ahead of the order's approval, and its undoing.
    expect(stockCalls(listing.listingId).length).toBeLessThanOrEqual(calls + 2);

    // Allocations lower it: card-inventory allocates cards sold outside this listing (another channel), and counts.
    await handled(await stockChanged('P-BULK', 9_990));
    await idle('P-BULK');
    expect(listing.stock).toBe(9_990);
  });

  it('sell-out race: concurrent buyers while cards arrive in bursts never buy a card that does not exist, and the shop ends at the cards left', async () => {
    const listing = await createListedProduct('P-RACE');
    await idle('P-RACE');
    const firstRecord = lastRecord();
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    let imported = 0;
    let cardsLeft = 0;
    let sold = 0;
    let orders = 0;
    let uncovered = 0;
    let importsDone = false;
    let allocatedSinceCount: string[] = [];
    let importedSinceCount = false;
    const pending: Promise<unknown>[] = [];
    // What the test did and when, printed with the shop's stock changes if a sale goes uncovered.
    const started = Date.now();
    const timeline: string[] = [];
    const note = (what: string) => timeline.push(`${Date.now() - started} ms ${what}`);

    // card-inventory, played by the test: allocates each paid order at once and publishes coalesced counts
    // that name the orders they are the first to include, as the real one does.
    const counter = setInterval(() => {
      if (allocatedSinceCount.length === 0 && !importedSinceCount) return;
      note(`count seq ${sequence + 1}: ${cardsLeft} left, names ${allocatedSinceCount.length} orders`);
      pending.push(stockChanged('P-RACE', cardsLeft, allocatedSinceCount));
      allocatedSinceCount = [];
      importedSinceCount = false;
    }, 300);

    async function buyer(): Promise<void> {
      while (!importsDone || sold < imported) {
        const shopOrderId = `SO-RACE-${++orders}`;
        if (!(await buyOnShop('P-RACE', 1, shopOrderId))) {
          await sleep(15);
          continue;
        }
        sold += 1;
        const orderId = `O-${shopOrderId}`;
        if (cardsLeft < 1) {
          uncovered += 1;
          note(`${shopOrderId} sold with no card left`);
        } else cardsLeft -= 1;
        allocatedSinceCount.push(orderId);
        // Risk control and order-processing take a while: the approval (which links the shop order) may come after the count.
        const delay = Math.floor(Math.random() * 400);
        pending.push(sleep(delay).then(() => approveAndAllocate(orderId, shopOrderId, 'P-RACE', 1)));
      }
    }

    async function importer(): Promise<void> {
      for (let burst = 0; burst < 6; burst++) {
        imported += 20;
        cardsLeft += 20;
        note(`imported 20: ${cardsLeft} left`);
        importedSinceCount = true;
        await sleep(700);
      }
      importsDone = true;
    }

    const deadline = setTimeout(() => (importsDone = true), 60_000);
    const buyers = Promise.all([buyer(), buyer(), buyer(), buyer()]);
    await importer();
    await eventually(() => sold, (n) => n === imported, 45_000);
    importsDone = true;
    // Lets the buyers stop even if the shop never offered every card (the assertions below then fail).
    imported = Math.min(imported, sold);
    await buyers;
    clearTimeout(deadline);
    clearInterval(counter);
    await Promise.all(pending);
    await stockChanged('P-RACE', cardsLeft, allocatedSinceCount);
    await idle('P-RACE');
    await eventually(() => listing.stock, (st) => st === cardsLeft);

    const refusedAsSoldOut = shop.records('order', firstRecord).filter((r) => r.outcome === 'out_of_stock').length;
    if (uncovered > 0) {
      const changes = shop.records('stock', firstRecord).filter((r) => r.listingId === listing.listingId);
      const shown = changes.map((r) => `${Date.parse(r.at) - started} ms ${r.source} ${r.requested}→${r.delta} = ${r.stock}${r.shopOrderId ? ` ${r.shopOrderId}` : ''}`);
      process.stdout.write(`sell-out race went wrong; the test:\n${timeline.join('\n')}\nthe shop's stock:\n${shown.join('\n')}\n`);
    }
    expect({ uncovered, sold, cardsLeft, shopStock: listing.stock }).toEqual({ uncovered: 0, sold: 120, cardsLeft: 0, shopStock: 0 });
    // The simulator's record of every stock change: it never went below zero and ends where the cards are.
    expect(Math.min(...stockLevels(listing.listingId, firstRecord))).toBeGreaterThanOrEqual(0);
    expect(stockLevels(listing.listingId, firstRecord).at(-1)).toBe(0);
    process.stdout.write(`catalog-sync: sell-out race sold ${sold} of 120 cards, ${stockCalls(listing.listingId).length} stock calls, ${refusedAsSoldOut} sales refused as sold out, 0 uncovered sales\n`);
  }, 120_000);

  it('loses nothing while the shop answers 429 and 503 for a while, and ends in the right state', async () => {
    const listing = await createListedProduct('P-FAULTS');
    await idle('P-FAULTS');
    const since = lastRecord();
    const stockPath = `^/api/listings/${listing.listingId}/stock-adjustments$`;
    shop.addFault({ method: 'POST', pathPattern: stockPath, status: 503, times: 5 });
    shop.addFault({ method: 'POST', pathPattern: stockPath, status: 429, times: 3, retryAfterSeconds: 1 });
    shop.addFault({ method: 'PATCH', pathPattern: `^/api/listings/${listing.listingId}$`, status: 503, times: 3 });
    await stockChanged('P-FAULTS', 40);
    expect((await api('PATCH', '/products/P-FAULTS', { price: 5200, title: 'Card P-FAULTS v2' })).status).toBe(200);
    await stockChanged('P-FAULTS', 55);
    await eventually(() => [listing.stock, listing.price.amount], ([stock, price]) => stock === 55 && price === 5200, 30_000);
    await idle('P-FAULTS');
    expect(listing).toMatchObject({ stock: 55, price: { amount: 5200, currency: 'CNY' }, title: 'Card P-FAULTS v2' });
    const refused = shop.records('fault', since).filter((r) => r.path.startsWith(`/api/listings/${listing.listingId}`));
    expect(refused.map((r) => r.status).sort()).toEqual([429, 429, 429, 503, 503, 503, 503, 503, 503, 503, 503]);
  });

  it('reverts a shop-side price change and reports it as drift', async () => {
    const listing = await createListedProduct('P-DRIFT');
    await idle('P-DRIFT');
    await shop.changeListingOnShopSide(listing.listingId, { price: 100 });
    expect(listing.price.amount).toBe(100);
    // shop-gateway's report of the shop's product.updated webhook.
    await publish(ShopProductUpdated, listing.listingId, { shopListingId: listing.listingId, changes: { price: 100, currency: 'CNY' }, updatedAt: new Date().toISOString() });
    await eventually(() => listing.price.amount, (a) => a === 4850);
    expect(listing.price).toEqual({ amount: 4850, currency: 'CNY' });
    const drift = await api('GET', '/sync/drift?productId=P-DRIFT', undefined, reader);
    expect(drift.body.items).toEqual([
      expect.objectContaining({ productId: 'P-DRIFT', listingId: listing.listingId, field: 'price', shopValue: '100 CNY', platformValue: '4850 CNY', action: 'reverted', source: 'shop-event' }),
    ]);
  });

  it('shows a product below its low-stock threshold on its mapping until a count is back above it', async () => {
    await createListedProduct('P-LOW', { lowStockThreshold: 5 });
    await stockChanged('P-LOW', 3);
    const low = await publish(StockLow, 'P-LOW', { productId: 'P-LOW', available: 3, threshold: 5, at: '2026-11-27T07:00:00.000Z' });
    await handled(low);
    expect((await api('GET', '/products/P-LOW', undefined, reader)).body.mapping).toMatchObject({ stockLow: { since: '2026-11-27T07:00:00.000Z', threshold: 5 } });
    await handled(await stockChanged('P-LOW', 12));
    expect((await api('GET', '/products/P-LOW', undefined, reader)).body.mapping).toMatchObject({ stockLow: null });
  });

  it('retries a listing create with the body it first sent, so a change in between cannot break the idempotency key', async () => {
    // The shop creates the listing but every answer is lost for a while; meanwhile cards arrive, so the stock a new create would carry changes.
    shop.addFault({ method: 'POST', pathPattern: '^/api/listings$', status: 503, forMs: 6_000, afterEffect: true });
    const faultStarted = Date.now();
    const created = await api('POST', '/products', { productId: 'P-RETRY', title: 'Card P-RETRY', price: 4850, currency: 'CNY', deliveryChannels: ['shop'], status: 'listed' });
    expect(created.status).toBe(201);
    await handled(await stockChanged('P-RETRY', 7));
    expect(Date.now() - faultStarted).toBeLessThan(6_000);
    const listing = await listingOf('P-RETRY');
    await eventually(() => listing.stock, (st) => st === 7);
    await idle('P-RETRY');
    expect(listing.stock).toBe(7);
    expect(shop.shop.allListings().filter((l) => l.externalId === 'P-RETRY')).toHaveLength(1);
    const tasks = await db.query(`SELECT kind, status FROM sync_tasks WHERE product_id = 'P-RETRY' ORDER BY kind`);
    expect(tasks.rows.map((t) => [t.kind, t.status])).toEqual([
      ['listing', 'done'],
      ['stock', 'done'],
    ]);
  });

  it('stops with a clear reason when the shop answers with a listing the catalog maps to another product', async () => {
    const owner = await createListedProduct('P-OWNER');
    await idle('P-OWNER');
    // As after a shop reset: the shop will hand out a listing id the catalog already maps to P-OWNER.
    const next = `LST${String(shop.shop.allListings().length + 1).padStart(6, '0')}`;
    expect(shop.shop.allListings().map((l) => l.listingId)).not.toContain(next);
    await db.query(`UPDATE shop_listings SET listing_id = $1 WHERE product_id = 'P-OWNER'`, [next]);
    expect((await api('POST', '/products', { productId: 'P-CLASH', title: 'Card P-CLASH', price: 100, currency: 'CNY', deliveryChannels: ['shop'], status: 'listed' })).status).toBe(201);
    const task = await eventually(
      async () => (await db.query(`SELECT status, last_error FROM sync_tasks WHERE product_id = 'P-CLASH' AND kind = 'listing'`)).rows[0],
      (t) => t?.status === 'failed',
    );
    expect(task).toEqual({ status: 'failed', last_error: expect.stringContaining(`listing ${next} for product P-CLASH, but that listing belongs to product P-OWNER here`) });
    await db.query(`UPDATE shop_listings SET listing_id = $1 WHERE product_id = 'P-OWNER'`, [owner.listingId]);
  });

  it('reconciles on demand: reverts silent shop-side edits, lowers an over-promising stock, reports unknown listings', async () => {
    const listing = await createListedProduct('P-RECON');
    await stockChanged('P-RECON', 20);
    await eventually(() => listing.stock, (s) => s === 20);
    await idle('P-RECON');
    // A merchant edits the listing in the shop's back office, and the webhook never reaches us.
    await shop.changeListingOnShopSide(listing.listingId, { title: 'Edited in the shop', stock: 35 });
    const stray = shop.createListing({ externalId: 'not-ours', title: 'Stray', description: '', price: { amount: 1, currency: 'CNY' }, categoryIds: [], stock: 1, status: 'listed' });

    const run = await api('POST', '/sync/reconcile');
    expect(run.status).toBe(200);
    expect(run.body.fixed).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ productId: 'P-RECON', field: 'title', action: 'reverted', shopValue: 'Edited in the shop' }),
        expect.objectContaining({ productId: 'P-RECON', field: 'stock', action: 'lowered', shopValue: '35', platformValue: '20' }),
      ]),
    );
    expect(run.body.reported).toEqual(expect.arrayContaining([expect.objectContaining({ listingId: stray.listingId, field: 'listing', action: 'reported' })]));
    await eventually(() => [listing.title, listing.stock], ([title, stock]) => title === 'Card P-RECON' && stock === 20);
    expect(listing).toMatchObject({ title: 'Card P-RECON', stock: 20 });
  });
});

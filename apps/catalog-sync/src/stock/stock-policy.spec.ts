import { adjustmentTowards, believedAfterAdjustment, believedAfterSale, checkShopStock, nextStockCallAt, sellable } from './stock-policy';

describe('sellable', () => {
  it('is available minus in-flight orders minus the margin', () => {
    expect(sellable({ available: 100, inFlight: 7, safetyMargin: 3 })).toBe(90);
  });

  it('is never negative', () => {
    expect(sellable({ available: 2, inFlight: 5, safetyMargin: 1 })).toBe(0);
  });
});

describe('nextStockCallAt', () => {
  it('calls at once the first time and at most once per interval after', () => {
    expect(nextStockCallAt(undefined, 5_000, 1_000)).toBe(5_000);
    expect(nextStockCallAt(4_500, 5_000, 1_000)).toBe(5_500);
    expect(nextStockCallAt(3_000, 5_000, 1_000)).toBe(5_000);
  });
});

describe('checkShopStock', () => {
  it('lowers an over-promising shop at once', () => {
    expect(checkShopStock(12, 10, undefined, false)).toEqual({ kind: 'over', shopStock: 12 });
  });

  it('treats a shortfall as sales in transit until it persists without sales', () => {
    expect(checkShopStock(8, 10, undefined, false)).toEqual({ kind: 'under', shopStock: 8, persistent: false });
    expect(checkShopStock(8, 10, 2, true)).toEqual({ kind: 'under', shopStock: 8, persistent: false });
    expect(checkShopStock(8, 10, 2, false)).toEqual({ kind: 'under', shopStock: 8, persistent: true });
    expect(checkShopStock(10, 10, 2, false)).toEqual({ kind: 'in-step' });
  });
});

/** A shop that lowers its own stock on each sale, refuses sales it cannot cover, and floors adjustments at zero. */
class Shop {
  stock = 0;
  sold = 0;
  sell(quantity: number): boolean {
    if (this.stock < quantity) return false;
    this.stock -= quantity;
    this.sold += quantity;
    return true;
  }
  adjust(delta: number): { stock: number; applied: number } {
    const before = this.stock;
    this.stock = Math.max(0, before + delta);
    return { stock: this.stock, applied: this.stock - before };
  }
}

/**
 * catalog-sync's stock inputs as StockLedger keeps them, with the policy
 * above: the latest count, sold lines in flight until a count names their
 * order and the order is linked, and `believed`. A push is three steps (decide,
 * the shop applies, record the answer) so other events can come in between.
 */
class Catalog {
  available = 0;
  private countSeq = 0;
  believed = 0;
  private readonly lines = new Map<string, { quantity: number; settled: boolean }>();
  private readonly links = new Set<string>();
  private readonly counted = new Set<string>();
  pending: { delta: number; answer?: { stock: number; applied: number } } | undefined;

  target(): number {
    let inFlight = 0;
    for (const [order, line] of this.lines) if (!line.settled && !(this.links.has(order) && this.counted.has(order))) inFlight += line.quantity;
    return sellable({ available: this.available, inFlight, safetyMargin: 0 });
  }
  heardCount(count: { sequence: number; available: number; names: readonly string[] }): void {
    if (count.sequence > this.countSeq) [this.countSeq, this.available] = [count.sequence, count.available];
    for (const order of count.names) this.counted.add(order);
  }
  heardSale(order: string, quantity: number): void {
    if (this.lines.has(order)) return;
    this.lines.set(order, { quantity, settled: false });
    this.believed = believedAfterSale(this.believed, quantity);
  }
  heardLink(order: string): void {
    this.links.add(order);
  }
  decide(): void {
    if (this.pending) return;
    const delta = adjustmentTowards(this.target(), this.believed);
    if (delta !== 0) this.pending = { delta };
  }
  send(shop: Shop): void {
    if (this.pending && !this.pending.answer) this.pending.answer = shop.adjust(this.pending.delta);
  }
  record(): void {
    if (!this.pending?.answer) return;
    this.believed = believedAfterAdjustment(this.believed, this.pending.answer.applied);
    this.pending = undefined;
  }
  push(shop: Shop): void {
    this.decide();
    this.send(shop);
    this.record();
  }
}

function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

/** Takes one of the first `window` items: events on different topics and partitions overtake each other. */
function takeNear<T>(queue: T[], rnd: () => number, window: number): T | undefined {
  if (queue.length === 0) return undefined;
  return queue.splice(Math.floor(rnd() * Math.min(window, queue.length)), 1)[0];
}

/**
 * The sell-out race, played out with random interleavings: buyers, imports,
 * card-inventory allocating and publishing counts that name the orders they
 * are the first to include, and every event reaching catalog-sync late and out
 * of order, while pushes are decided, applied and recorded in separate steps.
 */
describe('the sell-out race', () => {
  function play(seed: number): { shop: Shop; imported: number; cardsLeft: number } {
    const rnd = random(seed);
    const shop = new Shop();
    const catalog = new Catalog();
    let imported = 0;
    let cardsLeft = 0;
    let sequence = 0;
    let orders = 0;
    let namesNext: string[] = [];
    const unallocated: { order: string; quantity: number }[] = [];
    const counts: { sequence: number; available: number; names: string[] }[] = [];
    const sales: { order: string; quantity: number }[] = [];
    const links: string[] = [];
    let unbackedAt: number | undefined;
    const publishCount = () => {
      counts.push({ sequence: ++sequence, available: cardsLeft, names: namesNext });
      namesNext = [];
    };
    const allocate = (sale: { order: string; quantity: number }) => {
      cardsLeft -= sale.quantity;
      namesNext.push(sale.order);
      links.push(sale.order);
    };
    for (let step = 0; step < 600; step++) {
      const roll = rnd();
      if (roll < 0.04 && imported < 60) {
        const burst = 1 + Math.floor(rnd() * 10);
        imported += burst;
        cardsLeft += burst;
      } else if (roll < 0.35) {
        const quantity = 1 + Math.floor(rnd() * 3);
        if (shop.sell(quantity)) {
          const sale = { order: `O-${++orders}`, quantity };
          sales.push(sale);
          unallocated.push(sale);
        }
      } else if (roll < 0.45) {
        const sale = takeNear(unallocated, rnd, 3);
        if (sale) allocate(sale);
      } else if (roll < 0.52) {
        publishCount();
      } else if (roll < 0.6) {
        const count = takeNear(counts, rnd, 2);
        if (count) catalog.heardCount(count);
      } else if (roll < 0.7) {
        const sale = takeNear(sales, rnd, 4);
        if (sale) catalog.heardSale(sale.order, sale.quantity);
      } else if (roll < 0.8) {
        const order = takeNear(links, rnd, 4);
        if (order) catalog.heardLink(order);
      } else if (roll < 0.87) {
        catalog.decide();
      } else if (roll < 0.94) {
        catalog.send(shop);
      } else {
        catalog.record();
      }
      // Every unit the shop has sold or still offers is backed by a card.
      if (unbackedAt === undefined && shop.sold + shop.stock > imported) unbackedAt = step;
    }
    expect({ seed, unbackedAt }).toEqual({ seed, unbackedAt: undefined });
    // Everything arrives in the end.
    for (const sale of unallocated.splice(0)) allocate(sale);
    publishCount();
    for (const sale of sales.splice(0)) catalog.heardSale(sale.order, sale.quantity);
    for (const order of links.splice(0)) catalog.heardLink(order);
    for (const count of counts.splice(0)) catalog.heardCount(count);
    catalog.send(shop);
    catalog.record();
    catalog.push(shop);
    return { shop, imported, cardsLeft };
  }

  it('never lets the shop offer a card that does not exist, and ends at the cards left (300 interleavings)', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const { shop, imported, cardsLeft } = play(seed);
      expect({ seed, stock: shop.stock, sold: shop.sold }).toEqual({ seed, stock: cardsLeft, sold: imported - cardsLeft });
    }
  });

  it('remembers the sales a decrease met at the shop\'s zero floor until it hears of them', () => {
    const shop = new Shop();
    const catalog = new Catalog();
    catalog.heardCount({ sequence: 1, available: 6, names: [] });
    catalog.push(shop);
    expect(shop.stock).toBe(6);
    // A takes 2 and B takes the last 4; card-inventory allocates both; only the count naming A is out.
    shop.sell(2);
    shop.sell(4);
    catalog.heardSale('A', 2);
    catalog.heardCount({ sequence: 2, available: 4, names: ['A'] });
    // A is not linked yet, so it still counts as in flight: the target is 2 and the decrease meets the floor.
    catalog.push(shop);
    expect(shop.stock).toBe(0);
    expect(catalog.believed).toBe(4);
    // A's link arrives: its lines leave the in-flight sum and the target is 4, which B (unheard) already took.
    catalog.heardLink('A');
    catalog.push(shop);
    expect(shop.stock).toBe(0);
    catalog.heardSale('B', 4);
    catalog.heardLink('B');
    catalog.heardCount({ sequence: 3, available: 0, names: ['B'] });
    catalog.push(shop);
    expect(shop.stock).toBe(0);
  });

  it('gives the stock back once the sale a count already included is heard of', () => {
    const shop = new Shop();
    const catalog = new Catalog();
    catalog.heardCount({ sequence: 1, available: 10, names: [] });
    catalog.push(shop);
    shop.sell(8);
    // The count naming the sale overtakes the sale: for a while the shop shows less than it could.
    catalog.heardCount({ sequence: 2, available: 2, names: ['A'] });
    catalog.heardLink('A');
    catalog.push(shop);
    expect(shop.stock).toBe(0);
    catalog.heardCount({ sequence: 3, available: 22, names: [] });
    catalog.push(shop);
    expect(shop.stock).toBe(14);
    catalog.heardSale('A', 8);
    catalog.push(shop);
    expect(shop.stock).toBe(22);
  });
});

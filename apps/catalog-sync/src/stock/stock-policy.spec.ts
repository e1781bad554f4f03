import { adjustmentTowards, afterSaleMadeBeforeZero, believedAfterAdjustment, believedAfterSale, checkShopStock, nextStockCallAt, sellable } from './stock-policy';

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

/**
 * The race, played out: a shop that lowers its own stock on each sale and
 * refuses sales at zero; events about sales and allocations reach catalog-sync
 * late and in any order; catalog-sync only ever sends deltas.
 */
describe('the sell-out race', () => {
  class Shop {
    stock = 0;
    sold = 0;
    sell(quantity: number): boolean {
      if (this.stock < quantity) return false;
      this.stock -= quantity;
      this.sold += quantity;
      return true;
    }
    adjust(delta: number): number {
      this.stock = Math.max(0, this.stock + delta);
      return this.stock;
    }
  }

  class Catalog {
    available = 0;
    inFlight = 0;
    believed = 0;
    constructor(private readonly margin: number) {}
    target(): number {
      return sellable({ available: this.available, inFlight: this.inFlight, safetyMargin: this.margin });
    }
    heardSale(quantity: number): void {
      this.inFlight += quantity;
      this.believed = believedAfterSale(this.believed, quantity);
    }
    heardAllocation(quantity: number): void {
      // Allocation shows in `available` and leaves in-flight in the same step (see InFlightOrders).
      this.available -= quantity;
      this.inFlight -= quantity;
    }
    push(shop: Shop): void {
      const delta = adjustmentTowards(this.target(), this.believed);
      if (delta === 0) return;
      shop.adjust(delta);
      this.believed = believedAfterAdjustment(this.believed, delta);
    }
  }

  function random(seed: number): () => number {
    let s = seed;
    return () => {
      s = (s * 1103515245 + 12345) % 2 ** 31;
      return s / 2 ** 31;
    };
  }

  it.each([1, 2, 3, 4, 5])('never lets the shop sell more cards than exist (seed %i)', (seed) => {
    const rnd = random(seed);
    const shop = new Shop();
    const catalog = new Catalog(0);
    let cardsLeft = 0;
    let imported = 0;
    const unheardSales: number[] = [];
    const unallocated: number[] = [];
    for (let step = 0; step < 5_000; step++) {
      const roll = rnd();
      if (roll < 0.05 && imported < 400) {
        const burst = 1 + Math.floor(rnd() * 20);
        cardsLeft += burst;
        imported += burst;
        catalog.available += burst;
      } else if (roll < 0.55) {
        const quantity = 1 + Math.floor(rnd() * 3);
        if (shop.sell(quantity)) unheardSales.push(quantity);
      } else if (roll < 0.7 && unheardSales.length > 0) {
        const quantity = unheardSales.shift() as number;
        catalog.heardSale(quantity);
        unallocated.push(quantity);
      } else if (roll < 0.85 && unallocated.length > 0) {
        const quantity = unallocated.shift() as number;
        cardsLeft -= quantity;
        catalog.heardAllocation(quantity);
      } else {
        catalog.push(shop);
      }
      // Every unit the shop has sold or still offers is backed by a card.
      expect(shop.sold + shop.stock).toBeLessThanOrEqual(imported);
      expect(cardsLeft).toBeGreaterThanOrEqual(0);
    }
    for (const quantity of unheardSales.splice(0)) {
      catalog.heardSale(quantity);
      unallocated.push(quantity);
    }
    for (const quantity of unallocated.splice(0)) {
      cardsLeft -= quantity;
      catalog.heardAllocation(quantity);
    }
    catalog.push(shop);
    expect(shop.stock).toBe(cardsLeft);
    expect(shop.sold).toBe(imported - cardsLeft);
  });

  it('does not undo a sale the shop absorbed at its zero floor', () => {
    const shop = new Shop();
    const catalog = new Catalog(0);
    catalog.available = 5;
    catalog.push(shop);
    shop.sell(3);
    // Three cards are voided before the sale is heard of: we lower by 3, the shop floors at 0.
    catalog.available -= 3;
    catalog.push(shop);
    expect(shop.stock).toBe(0);
    catalog.heardSale(3);
    catalog.push(shop);
    expect(shop.stock).toBe(0);
  });
});

/**
 * Sales reach catalog-sync late (a killed or lagging consumer) while
 * card-inventory has already counted their allocations: the target falls, the
 * decrease meets a shop that sold the cards already and floors at zero.
 */
describe('a decrease the shop floors at zero while sales are on their way', () => {
  class Shop {
    stock = 0;
    sold = 0;
    clock = 0;
    sell(quantity: number): { quantity: number; at: number } | undefined {
      if (this.stock < quantity) return undefined;
      this.stock -= quantity;
      this.sold += quantity;
      return { quantity, at: ++this.clock };
    }
    adjust(delta: number): { stock: number; at: number } {
      this.stock = Math.max(0, this.stock + delta);
      return { stock: this.stock, at: ++this.clock };
    }
  }

  class Catalog {
    available = 0;
    inFlight = 0;
    believed = 0;
    unheardAtZero = 0;
    zeroSeenAt: number | undefined;
    push(shop: Shop): void {
      const delta = adjustmentTowards(sellable({ available: this.available, inFlight: this.inFlight, safetyMargin: 0 }), this.believed);
      if (delta === 0) return;
      const answer = shop.adjust(delta);
      this.believed = believedAfterAdjustment(this.believed, delta);
      if (answer.stock === 0) {
        this.zeroSeenAt = answer.at;
        this.unheardAtZero = this.believed;
      }
    }
    heardSale(sale: { quantity: number; at: number }, counted: boolean): void {
      if (this.zeroSeenAt !== undefined && sale.at <= this.zeroSeenAt) {
        ({ believed: this.believed, unheardAtZero: this.unheardAtZero } = afterSaleMadeBeforeZero(this, sale.quantity));
      } else {
        this.believed = believedAfterSale(this.believed, sale.quantity);
      }
      if (!counted) this.inFlight += sale.quantity;
    }
  }

  it('does not let the absorbed part of the decrease come back as stock once the late sales arrive', () => {
    const shop = new Shop();
    const catalog = new Catalog();
    catalog.available = 10;
    catalog.push(shop);
    const sale = shop.sell(8);
    if (!sale) throw new Error('the shop refused the sale');
    // card-inventory counts the allocation first: the target falls to 2 and the shop floors -8 at 0.
    catalog.available = 2;
    catalog.push(shop);
    expect(shop.stock).toBe(0);
    catalog.available += 20;
    catalog.push(shop);
    catalog.heardSale(sale, true);
    catalog.push(shop);
    expect(shop.stock).toBe(22);
  });

  it('still lowers believed for sales made after the zero answer', () => {
    const shop = new Shop();
    const catalog = new Catalog();
    catalog.available = 4;
    catalog.push(shop);
    const before = shop.sell(3);
    if (!before) throw new Error('the shop refused the sale');
    catalog.available = 1;
    catalog.push(shop);
    expect(shop.stock).toBe(0);
    catalog.available += 5;
    catalog.push(shop);
    const after = shop.sell(2);
    if (!after) throw new Error('the shop refused the sale');
    catalog.heardSale(before, true);
    catalog.heardSale(after, false);
    catalog.push(shop);
    // 6 cards, 2 of them sold and not yet allocated: the shop shows 4 and has sold 5 of the 9 it was ever given.
    expect(shop.stock).toBe(4);
    catalog.available -= 2;
    catalog.inFlight -= 2;
    catalog.push(shop);
    expect(shop.stock).toBe(4);
  });
});

import { EventData, OrderPaid } from '@cardlink/contracts';
import { Identity, normaliseIdentifier } from '../lists/identifiers';
import { DistinctTotals, DistinctWindowCounter } from './distinct-window-counter';
import { CounterSnapshot, OrderFeatures, ProductDayTotals, VELOCITY_DIMENSIONS, VelocityDimension } from './order-features';
import { SlidingWindowCounter, WindowTotals } from './sliding-window-counter';
import { BURST_WINDOW_IDS, BURST_WINDOWS, BurstWindowId, DAY, WINDOW_IDS, WindowId, WINDOWS } from './windows';

/** A paid order as the counters see it. */
export interface PaidOrderFacts extends Identity {
  readonly orderId: string;
  /** order total, minor units */
  readonly amount: number;
  readonly currency: string;
  readonly lines: readonly { readonly productId: string; readonly quantity: number; readonly unitPrice: number }[];
  readonly paidAt: Date;
}

export function paidOrderFacts(order: EventData<typeof OrderPaid>): PaidOrderFacts {
  const { buyerId, email, phone, ip, deviceId } = order.buyer;
  return {
    orderId: order.orderId,
    buyerId,
    email,
    phone,
    ip,
    deviceId,
    paymentAccount: order.paymentAccount,
    amount: order.amount,
    currency: order.currency,
    lines: order.lines.map(({ productId, quantity, unitPrice }) => ({ productId, quantity, unitPrice })),
    paidAt: new Date(order.paidAt),
  };
}

const KEY_SEPARATOR = '\u0000';

/**
 * Every counter the rules read, kept in memory: what the engine's tests, the
 * benchmark and a dry run use. The service keeps the same counters in its
 * schema (see the README) and builds the same OrderFeatures from them.
 *
 * Orders are counted at their payment time, so replaying a stream gives the
 * same features whatever the wall clock says. Velocity is keyed by the
 * normalised identifier; identical-amount bursts by the order amount, shop-wide
 * and per product; daily product totals by buyer and product.
 */
export class CounterBook {
  private readonly velocity = new Map<string, SlidingWindowCounter[]>();
  private readonly identicalShop = new Map<string, BurstCounters>();
  private readonly identicalProduct = new Map<string, BurstCounters>();
  private readonly buyerProductDay = new Map<string, { units: SlidingWindowCounter; amount: SlidingWindowCounter }>();
  private readonly knownBuyers = new Set<string>();

  /** Counts the order in every counter it belongs to and returns its features, this order included. */
  observe(order: PaidOrderFacts): OrderFeatures {
    const at = order.paidAt.getTime();
    const buyer = normaliseIdentifier('buyerId', order.buyerId) ?? order.buyerId;
    const isNewBuyer = !this.knownBuyers.has(buyer);
    this.knownBuyers.add(buyer);

    const velocity: { [D in VelocityDimension]?: Record<WindowId, WindowTotals> } = {};
    for (const dimension of VELOCITY_DIMENSIONS) {
      const raw = order[dimension];
      const value = raw === undefined ? undefined : normaliseIdentifier(dimension, raw);
      if (value === undefined) continue;
      const counters = this.counters(this.velocity, [dimension, value], () =>
        WINDOW_IDS.map((id) => new SlidingWindowCounter(WINDOWS[id])),
      );
      counters.forEach((counter) => counter.add(at, order.amount));
      velocity[dimension] = perWindow(WINDOW_IDS, counters, (counter) => counter.sum(at));
    }

    const shopBurst = this.counters(this.identicalShop, [String(order.amount)], newBurstCounters);
    addToBurst(shopBurst, at, buyer);
    const products = new Map<string, Record<BurstWindowId, DistinctTotals>>();
    const productsDay = new Map<string, number>();
    const productDay = new Map<string, ProductDayTotals>();
    for (const productId of new Set(order.lines.map((line) => line.productId))) {
      const burst = this.counters(this.identicalProduct, [productId, String(order.amount)], newBurstCounters);
      addToBurst(burst, at, buyer);
      products.set(
        productId,
        perWindow(BURST_WINDOW_IDS, burst.windows, (counter) => counter.sum(at)),
      );
      productsDay.set(productId, burst.day.sum(at).count);

      const day = this.counters(this.buyerProductDay, [buyer, productId], () => ({
        units: new SlidingWindowCounter(DAY),
        amount: new SlidingWindowCounter(DAY),
      }));
      for (const line of order.lines.filter((candidate) => candidate.productId === productId)) {
        day.units.add(at, 0, line.quantity);
        day.amount.add(at, line.quantity * line.unitPrice);
      }
      productDay.set(productId, { quantity: day.units.sum(at).count, amount: day.amount.sum(at).amount });
    }

    return featuresOf(order, isNewBuyer, {
      velocity,
      identicalAmount: {
        shop: perWindow(BURST_WINDOW_IDS, shopBurst.windows, (counter) => counter.sum(at)),
        products,
      },
      identicalAmountDay: { shop: shopBurst.day.sum(at).count, products: productsDay },
      buyerProductDay: productDay,
    });
  }

  private counters<T>(map: Map<string, T>, key: readonly string[], create: () => T): T {
    const joined = key.join(KEY_SEPARATOR);
    let counters = map.get(joined);
    if (counters === undefined) {
      counters = create();
      map.set(joined, counters);
    }
    return counters;
  }
}

/** The features of a counted order: the order's own facts and the counters' snapshot. */
export function featuresOf(order: PaidOrderFacts, isNewBuyer: boolean, counters: CounterSnapshot): OrderFeatures {
  return {
    orderId: order.orderId,
    buyerId: order.buyerId,
    email: order.email,
    phone: order.phone,
    ip: order.ip,
    deviceId: order.deviceId,
    paymentAccount: order.paymentAccount,
    amount: order.amount,
    currency: order.currency,
    lines: order.lines.map((line) => ({
      productId: line.productId,
      quantity: line.quantity,
      amount: line.quantity * line.unitPrice,
    })),
    isNewBuyer,
    counters,
  };
}

interface BurstCounters {
  readonly windows: DistinctWindowCounter[];
  readonly day: SlidingWindowCounter;
}

function newBurstCounters(): BurstCounters {
  return {
    windows: BURST_WINDOW_IDS.map((id) => new DistinctWindowCounter(BURST_WINDOWS[id])),
    day: new SlidingWindowCounter(DAY),
  };
}

function addToBurst(counters: BurstCounters, at: number, buyer: string): void {
  counters.windows.forEach((counter) => counter.add(at, buyer));
  counters.day.add(at, 0);
}

function perWindow<I extends string, C, T>(
  ids: readonly I[],
  counters: readonly C[],
  read: (counter: C) => T,
): Record<I, T> {
  return Object.fromEntries(ids.map((id, index) => [id, read(counters[index])])) as Record<I, T>;
}

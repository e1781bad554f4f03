/**
 * The seeded traffic both benchmarks assess: paid orders over a simulated day
 * (60,000 buyers with a skewed distribution, 200 products at 9 price points)
 * and 5,000 list entries. Not a test and not used by the service.
 */
import { IDENTITY_FIELDS } from '../lists/identifiers';
import { ListEntryInput } from '../lists/list-entry';
import { PaidOrderFacts } from './counter-book';

export const BENCH_DAY_MS = 86_400_000;
export const BENCH_START = Date.UTC(2026, 10, 27, 0, 0, 0);

/** mulberry32: a seeded generator, so every run assesses the same orders. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const prices = [990, 1_990, 2_990, 4_990, 9_900, 19_900, 29_900, 49_900, 99_900];

export function benchTraffic(count: number): { orders: PaidOrderFacts[]; listEntries: ReturnType<typeof ListEntryInput.parse>[] } {
  const next = random(20261127);
  /** Skewed pick: a few buyers, devices and IPs account for many orders, as in a real shop. */
  const skewed = (size: number) => Math.floor(size * next() ** 3);
  const orders: PaidOrderFacts[] = [];
  let at = BENCH_START;
  for (let i = 0; i < count; i++) {
    at += Math.round(-Math.log(1 - next()) * (BENCH_DAY_MS / count));
    const buyer = Math.floor(60_000 * next() ** 2);
    const productIndex = skewed(200);
    const unitPrice = prices[productIndex % prices.length];
    const quantity = 1 + skewed(4);
    orders.push({
      orderId: `order-${i}`,
      buyerId: `buyer-${buyer}`,
      email: next() < 0.7 ? `Buyer${buyer}@Example.com` : undefined,
      phone: next() < 0.6 ? `+86138${String(buyer).padStart(8, '0')}` : undefined,
      ip: `10.${skewed(30)}.${skewed(250)}.${skewed(250)}`,
      deviceId: `device-${buyer % 35_000}`,
      paymentAccount: `alipay:${buyer}`,
      amount: quantity * unitPrice,
      currency: 'CNY',
      lines: [{ productId: `product-${productIndex}`, quantity, unitPrice }],
      paidAt: new Date(at),
    });
  }

  const kinds = ['block', 'allow', 'watch'] as const;
  const listEntries = Array.from({ length: 5_000 }, (_, i) => {
    const field = IDENTITY_FIELDS[i % IDENTITY_FIELDS.length];
    const buyer = Math.floor(next() * 40_000);
    const value = {
      buyerId: `buyer-${buyer}`,
      email: `buyer${buyer}@example.com`,
      phone: `86138${String(buyer).padStart(8, '0')}`,
      ip: `10.${i % 30}.${i % 250}.${(i * 7) % 250}`,
      deviceId: `device-${buyer}`,
      paymentAccount: `alipay:${buyer}`,
    }[field];
    const kind = kinds[i % kinds.length];
    return ListEntryInput.parse({
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      kind,
      field,
      value,
      overridable: kind === 'block' && i % 2 === 0,
      expiresAt: i % 4 === 0 ? new Date(BENCH_START + next() * BENCH_DAY_MS).toISOString() : null,
      setBy: 'bench',
      reason: 'benchmark entry',
    });
  });
  return { orders, listEntries };
}

export function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

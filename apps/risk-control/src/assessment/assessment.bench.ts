/**
 * Benchmark of the engine alone (counters in memory, no database, no Kafka):
 * 100,000 paid orders over a simulated day, the golden rule set and 5,000 list
 * entries. Prints assessments per second and p50 / p99 time per order
 * (counting the order and deciding). Not a test; run with
 *   npx tsx --tsconfig apps/risk-control/tsconfig.app.json apps/risk-control/src/assessment/assessment.bench.ts
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ListEntryInput } from '../lists/list-entry';
import { ListIndex } from '../lists/list-index';
import { IDENTITY_FIELDS } from '../lists/identifiers';
import { assessOrder } from './assess-order';
import { CounterBook, PaidOrderFacts } from './counter-book';
import { RiskDecision } from './risk-rule';
import { buildRuleSet, RuleSetDefinition } from './rule-set-definition';

const ORDERS = Number(process.env['BENCH_ORDERS'] ?? 100_000);
const DAY_MS = 86_400_000;
const START = Date.UTC(2026, 10, 27, 0, 0, 0);

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

const next = random(20261127);
/** Skewed pick: a few buyers, devices and IPs account for many orders, as in a real shop. */
const skewed = (size: number) => Math.floor(size * next() ** 3);
const prices = [990, 1_990, 2_990, 4_990, 9_900, 19_900, 29_900, 49_900, 99_900];

function orders(): PaidOrderFacts[] {
  const made: PaidOrderFacts[] = [];
  let at = START;
  for (let i = 0; i < ORDERS; i++) {
    at += Math.round(-Math.log(1 - next()) * (DAY_MS / ORDERS));
    const buyer = Math.floor(60_000 * next() ** 2);
    const productIndex = skewed(200);
    const unitPrice = prices[productIndex % prices.length];
    const quantity = 1 + skewed(4);
    made.push({
      orderId: `order-${i}`,
      buyerId: `buyer-${buyer}`,
      email: next() < 0.7 ? `Buyer${buyer}@Example.com` : undefined,
      phone: next() < 0.6 ? `+86 138${String(buyer).padStart(8, '0')}` : undefined,
      ip: `10.${skewed(30)}.${skewed(250)}.${skewed(250)}`,
      deviceId: `device-${buyer % 35_000}`,
      paymentAccount: `alipay:${buyer}`,
      amount: quantity * unitPrice,
      currency: 'CNY',
      lines: [{ productId: `product-${productIndex}`, quantity, unitPrice }],
      paidAt: new Date(at),
    });
  }
  return made;
}

function listEntries() {
  const kinds = ['block', 'allow', 'watch'] as const;
  return Array.from({ length: 5_000 }, (_, i) => {
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
      id: `entry-${i}`,
      kind,
      field,
      value,
      overridable: kind === 'block' && i % 2 === 0,
      expiresAt: i % 4 === 0 ? new Date(START + next() * DAY_MS).toISOString() : null,
      setBy: 'bench',
      reason: 'benchmark entry',
    });
  });
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

function main(): void {
  const golden = JSON.parse(readFileSync(join(__dirname, 'golden', 'assessments.golden.json'), 'utf8')) as {
    ruleSet: unknown;
  };
  const ruleSet = buildRuleSet(RuleSetDefinition.parse(golden.ruleSet));
  const lists = new ListIndex(listEntries());
  const paid = orders();
  const book = new CounterBook();
  const times = new Float64Array(paid.length);
  const decisions: Record<RiskDecision, number> = { approve: 0, review: 0, reject: 0 };
  const fired = new Map<string, number>();

  const started = process.hrtime.bigint();
  paid.forEach((order, i) => {
    const begun = process.hrtime.bigint();
    const features = book.observe(order);
    const assessment = assessOrder(features, ruleSet, lists.entriesFor(order), order.paidAt);
    times[i] = Number(process.hrtime.bigint() - begun) / 1e6;
    decisions[assessment.decision] += 1;
    for (const rule of assessment.firedRules) fired.set(rule.ruleId, (fired.get(rule.ruleId) ?? 0) + 1);
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  times.sort();

  console.log(`${paid.length} orders over a simulated day, ${ruleSet.rules.length} rules, 5000 list entries`);
  console.log(`assessments/s: ${Math.round(paid.length / seconds)}`);
  console.log(
    `per order ms: p50 ${percentile(times, 0.5).toFixed(4)}  p99 ${percentile(times, 0.99).toFixed(4)}  max ${times[times.length - 1].toFixed(3)}`,
  );
  console.log(`decisions: ${JSON.stringify(decisions)}`);
  console.log(`fired: ${JSON.stringify(Object.fromEntries([...fired].sort((a, b) => b[1] - a[1])))}`);
}

main();

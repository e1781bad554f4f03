/**
 * Benchmark of the engine alone (counters in memory, no database, no Kafka):
 * 100,000 paid orders over a simulated day, the golden rule set and 5,000 list
 * entries. Prints assessments per second and p50 / p99 time per order
 * (counting the order and deciding). Not a test; run with
 *   npx tsx --tsconfig apps/risk-control/tsconfig.app.json apps/risk-control/src/assessment/assessment.bench.ts
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ListIndex } from '../lists/list-index';
import { assessOrder } from './assess-order';
import { benchTraffic, percentile } from './bench-orders';
import { CounterBook } from './counter-book';
import { RiskDecision } from './risk-rule';
import { buildRuleSet, RuleSetDefinition } from './rule-set-definition';

const ORDERS = Number(process.env['BENCH_ORDERS'] ?? 100_000);

function main(): void {
  const golden = JSON.parse(readFileSync(join(__dirname, 'golden', 'assessments.golden.json'), 'utf8')) as {
    ruleSet: unknown;
  };
  const ruleSet = buildRuleSet(RuleSetDefinition.parse(golden.ruleSet));
  const { orders: paid, listEntries } = benchTraffic(ORDERS);
  const lists = new ListIndex(listEntries);
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

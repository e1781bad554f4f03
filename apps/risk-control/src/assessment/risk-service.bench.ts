/**
 * Benchmark of the service's assessment path (not a test): every order goes
 * through RiskAssessor in its own transaction, as the OrderPaid consumer runs
 * it — inbox row, identity counters locked and updated in Postgres,
 * identical-amount buckets, list lookup, assessment row, review case,
 * RiskAssessed in the outbox, commit. Kafka is left out: the consumer adds a
 * fetch and an offset commit per batch, the relay publishes after the commit.
 *
 * 100,000 seeded orders over a simulated day (the engine benchmark's traffic),
 * the initial rule set, 5,000 list entries, in a throwaway schema, with
 * BENCH_CONCURRENCY transactions in flight (default 4, the consumer's
 * partitions concurrency). Prints assessments/s and p50 / p99 decision time
 * (begin to commit). Run with
 *   npx tsx --tsconfig tsconfig.base.json apps/risk-control/src/assessment/risk-service.bench.ts
 */
import { createEnvelope, OrderPaid, type EventData } from '@cardlink/contracts';
import { MESSAGING_ENTITIES, MESSAGING_MIGRATIONS, Outbox } from '@cardlink/messaging';
import { createServiceDataSource, createTestSchema, runMigrations, withTransaction } from '@cardlink/persistence';
import { entities, migrations } from '../database';
import { ListStore } from '../lists/list-store';
import { ReviewQueue } from '../reviews/review-queue';
import { RuleSetStore } from '../rule-sets/rule-set-store';
import { benchTraffic, percentile } from './bench-orders';
import { PaidOrderFacts } from './counter-book';
import { RiskAssessor } from './risk-assessor';
import { RiskCounters } from './risk-counters';

const ORDERS = Number(process.env['BENCH_ORDERS'] ?? 100_000);
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 4);

function orderPaid(order: PaidOrderFacts): EventData<typeof OrderPaid> {
  return {
    orderId: order.orderId,
    shopOrderId: `SO-${order.orderId}`,
    buyer: {
      buyerId: order.buyerId,
      ...(order.email === undefined ? {} : { email: order.email }),
      ...(order.phone === undefined ? {} : { phone: order.phone }),
      ...(order.ip === undefined ? {} : { ip: order.ip }),
      ...(order.deviceId === undefined ? {} : { deviceId: order.deviceId }),
    },
    lines: order.lines.map((line, i) => ({ lineId: `L${i + 1}`, ...line })),
    amount: order.amount,
    currency: order.currency,
    paymentChannel: 'alipay',
    ...(order.paymentAccount === undefined ? {} : { paymentAccount: order.paymentAccount }),
    paidAt: order.paidAt.toISOString(),
  };
}

async function main(): Promise<void> {
  const schema = await createTestSchema({ role: 'cardlink_risk', prefix: 'riskbench' });
  const dataSource = createServiceDataSource({
    url: schema.url,
    schema: schema.schema,
    entities: [...MESSAGING_ENTITIES, ...entities],
    migrations: [...MESSAGING_MIGRATIONS, ...migrations],
    poolSize: CONCURRENCY + 2,
  });
  try {
    await runMigrations(dataSource);
    const { orders, listEntries } = benchTraffic(ORDERS);
    const lists = new ListStore();
    await withTransaction(dataSource, async (manager) => {
      for (const entry of listEntries) await lists.add(manager, entry);
    });
    const outbox = new Outbox('risk-control');
    const assessor = new RiskAssessor({
      counters: new RiskCounters('benchmark-counter-key-of-32-characters'),
      ruleSets: new RuleSetStore(5_000),
      lists,
      reviews: new ReviewQueue(outbox, 4 * 3_600_000),
      outbox,
    });
    const envelopes = orders.map((order) => createEnvelope(OrderPaid, { source: 'bench', subject: order.orderId, data: orderPaid(order) }));

    const times = new Float64Array(orders.length);
    const decisions = { approve: 0, review: 0, reject: 0 };
    const failSafe = { count: 0 };
    const fired = new Map<string, number>();
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < envelopes.length; i = next++) {
        const envelope = envelopes[i];
        const begun = process.hrtime.bigint();
        const outcome = await withTransaction(dataSource, async (manager) => {
          await manager.query('INSERT INTO inbox (consumer_group, event_id, event_type) VALUES ($1, $2, $3)', ['bench', envelope.id, envelope.type]);
          return assessor.assess(manager, envelope.data, envelope);
        });
        times[i] = Number(process.hrtime.bigint() - begun) / 1e6;
        decisions[outcome.decision] += 1;
        if (outcome.decidedBy === 'fail-safe') failSafe.count += 1;
        if (outcome.failure !== undefined) console.error(outcome.orderId, outcome.failure);
      }
    };
    const started = process.hrtime.bigint();
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    times.sort();

    for (const row of (await dataSource.query(
      `SELECT rule->>'ruleId' AS rule, count(*)::int AS n FROM assessments, jsonb_array_elements(fired_rules) AS rule GROUP BY 1 ORDER BY 2 DESC`,
    )) as { rule: string; n: number }[]) {
      fired.set(row.rule, row.n);
    }
    const sizes = (await dataSource.query(
      `SELECT (SELECT count(*) FROM counter_keys)::int AS counter_keys, (SELECT count(*) FROM amount_buckets)::int AS amount_buckets,
              (SELECT count(*) FROM amount_bucket_buyers)::int AS amount_bucket_buyers, (SELECT count(*) FROM review_cases)::int AS review_cases,
              (SELECT count(*) FROM outbox)::int AS outbox`,
    )) as Record<string, number>[];

    console.log(`${orders.length} orders over a simulated day, initial rule set, ${listEntries.length} list entries, ${CONCURRENCY} transactions in flight, Postgres at ${new URL(schema.url).host}`);
    console.log(`assessments/s: ${Math.round(orders.length / seconds)} (${seconds.toFixed(1)} s)`);
    console.log(
      `decision time ms (begin to commit): p50 ${percentile(times, 0.5).toFixed(2)}  p99 ${percentile(times, 0.99).toFixed(2)}  max ${times[times.length - 1].toFixed(1)}`,
    );
    console.log(`decisions: ${JSON.stringify(decisions)}, fail-safe: ${failSafe.count}`);
    console.log(`fired: ${JSON.stringify(Object.fromEntries(fired))}`);
    console.log(`rows: ${JSON.stringify(sizes[0])}`);
  } finally {
    await dataSource.destroy();
    if (process.env['BENCH_KEEP_SCHEMA'] === 'true') console.log(`schema kept: ${schema.schema}`);
    else await schema.drop();
  }
}

void main();

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { allTopicNames, DEAD_LETTER_SUFFIX } from '@cardlink/contracts';
import { mulberry32, type RunningShopSimulator } from '@cardlink/shop-simulator';
import { readTopicsToEnd, scanLogs, scanTables, scanTopics, SETTLED_STATES, type PreparedProduct, type World } from './world-access';

export interface CheckResult {
  name: string;
  passed: boolean;
  /** Figures behind the verdict, and the first offenders when it failed. */
  detail: string;
}

export interface CheckContext {
  world: World;
  simulator: RunningShopSimulator;
  products: readonly PreparedProduct[];
  /** Admin connection to the database that holds the run's schemas. */
  adminUrl: string;
  log: (line: string) => void;
}

const SHOWN = 10;

function firstOf(items: readonly string[]): string {
  return items.length > SHOWN ? `${items.slice(0, SHOWN).join(', ')} … (${items.length} in all)` : items.join(', ');
}

async function query<R extends object>(adminUrl: string, sql: string, params: unknown[] = []): Promise<R[]> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** Each order's state as order-processing stored it. */
async function orderStates(ctx: CheckContext): Promise<Map<string, string>> {
  const schema = ctx.world.schemas['order-processing'];
  const rows = await query<{ shop_order_id: string; state: string }>(ctx.adminUrl, `SELECT shop_order_id, state FROM "${schema}".orders`);
  return new Map(rows.map((r) => [r.shop_order_id, r.state]));
}

/** Shop orders whose `order.paid` webhook the gateway acknowledged (2xx) at least once. */
function acknowledgedOrders(simulator: RunningShopSimulator): Set<string> {
  return new Set(
    simulator
      .records('webhook')
      .filter((w) => w.type === 'order.paid' && w.acknowledged)
      .map((w) => w.subject),
  );
}

export async function checkAcknowledgedOrdersSettled(ctx: CheckContext): Promise<CheckResult> {
  const states = await orderStates(ctx);
  const acknowledged = acknowledgedOrders(ctx.simulator);
  const settled = new Set<string>(SETTLED_STATES);
  const missing = [...acknowledged].filter((id) => !states.has(id));
  const unsettled = [...acknowledged].filter((id) => states.has(id) && !settled.has(states.get(id) as string)).map((id) => `${id} ${states.get(id)}`);
  const byState: Record<string, number> = {};
  for (const id of acknowledged) {
    const state = states.get(id) ?? 'unknown';
    byState[state] = (byState[state] ?? 0) + 1;
  }
  const problems = [...missing.map((id) => `${id} unknown to order-processing`), ...unsettled];
  return {
    name: 'every acknowledged order reached a terminal or actionable state',
    passed: acknowledged.size > 0 && problems.length === 0,
    detail: `${acknowledged.size} acknowledged: ${JSON.stringify(byState)}${problems.length ? `; not settled: ${firstOf(problems)}` : ''}`,
  };
}

export function checkEveryPaidOrderAcknowledged(ctx: CheckContext): CheckResult {
  const placed = ctx.simulator.records('order').filter((r) => r.outcome === 'placed').map((r) => r.shopOrderId);
  const acknowledged = acknowledgedOrders(ctx.simulator);
  const never = placed.filter((id) => !acknowledged.has(id));
  const attempts = ctx.simulator.records('webhook').filter((w) => w.type === 'order.paid');
  const refused = attempts.filter((w) => !w.acknowledged).length;
  return {
    name: "every paid order's webhook was acknowledged in the end (the shop re-sends until 2xx)",
    passed: placed.length > 0 && never.length === 0,
    detail: `${placed.length} paid, ${placed.length - never.length} acknowledged after ${attempts.length} attempts (${refused} refused or unanswered)${never.length ? `; never acknowledged: ${firstOf(never)}` : ''}`,
  };
}

export async function checkNoCardTwice(ctx: CheckContext): Promise<CheckResult> {
  const problems: string[] = [];
  const inventory = ctx.world.schemas['card-inventory'];
  const [allocations] = await query<{ rows: string; cards: string; allocated: string }>(
    ctx.adminUrl,
    `SELECT (SELECT count(*) FROM "${inventory}".card_allocations) AS rows,
            (SELECT count(DISTINCT card_id) FROM "${inventory}".card_allocations) AS cards,
            (SELECT count(*) FROM "${inventory}".cards WHERE status = 'allocated') AS allocated`,
  );
  const rows = Number(allocations?.rows);
  const cards = Number(allocations?.cards);
  const allocated = Number(allocations?.allocated);
  if (rows !== cards) problems.push(`${rows - cards} card allocations repeat a card`);
  if (cards !== allocated) problems.push(`${cards} cards allocated to orders but ${allocated} cards marked allocated`);

  const deliveredTo = new Map<string, string>();
  let shopDeliveries = 0;
  for (const fulfilment of ctx.simulator.records('fulfilment')) {
    for (const card of fulfilment.cards) {
      shopDeliveries += 1;
      const earlier = deliveredTo.get(card.code);
      if (earlier !== undefined) problems.push(`${card.code.slice(0, 6)}… delivered to the shop for ${earlier} and again for ${fulfilment.shopOrderId}`);
      deliveredTo.set(card.code, fulfilment.shopOrderId);
    }
  }
  const summary = ctx.simulator.summary();
  if (summary.duplicates !== 0 || summary.overDelivered !== 0) problems.push(`the shop counts ${summary.duplicates} duplicate and ${summary.overDelivered} over-delivered cards`);

  // An email may go out twice after a crash between sending and recording it (SMTP has no idempotency key), but never to another buyer.
  const codes = new Set(ctx.products.flatMap((p) => [...p.codes]));
  const mailedTo = new Map<string, Set<string>>();
  let mailedCards = 0;
  for (const mail of ctx.world.mail.mails) {
    for (const match of mail.text.matchAll(/[A-Z]+-[0-9A-F]{12}/g)) {
      if (!codes.has(match[0])) continue;
      mailedCards += 1;
      const recipients = mailedTo.get(match[0]) ?? new Set<string>();
      for (const to of mail.to) recipients.add(to);
      mailedTo.set(match[0], recipients);
    }
  }
  const mailedToTwo = [...mailedTo.entries()].filter(([, to]) => to.size > 1).map(([code]) => `${code.slice(0, 6)}… emailed to ${mailedTo.get(code)?.size} addresses`);
  problems.push(...mailedToTwo);
  return {
    name: 'no card allocated or delivered twice',
    passed: problems.length === 0 && cards > 0,
    detail: `${cards} cards allocated, ${shopDeliveries} card deliveries to the shop (${deliveredTo.size} distinct), ${mailedCards} cards in ${ctx.world.mail.mails.length} emails (${mailedTo.size} distinct codes, ${mailedCards - mailedTo.size} repeated to the same buyer)${problems.length ? `; ${firstOf(problems)}` : ''}`,
  };
}

export async function checkCompletedLinesHaveTheirQuantity(ctx: CheckContext): Promise<CheckResult> {
  const states = await orderStates(ctx);
  const schema = ctx.world.schemas['order-processing'];
  const lines = await query<{ shop_order_id: string; line_id: string; product_id: string; quantity: number }>(
    ctx.adminUrl,
    `SELECT o.shop_order_id, l.line_id, l.product_id, l.quantity FROM "${schema}".orders o JOIN "${schema}".order_lines l ON l.order_id = o.id WHERE o.state = 'COMPLETED'`,
  );
  const delivered = new Map<string, Set<string>>();
  for (const fulfilment of ctx.simulator.records('fulfilment')) {
    const key = `${fulfilment.shopOrderId}/${fulfilment.lineId}`;
    const cards = delivered.get(key) ?? new Set<string>();
    for (const card of fulfilment.cards) cards.add(card.code);
    delivered.set(key, cards);
  }
  const codesOf = new Map(ctx.products.map((p) => [p.productId, p.codes]));
  const problems: string[] = [];
  for (const line of lines) {
    const cards = delivered.get(`${line.shop_order_id}/${line.line_id}`) ?? new Set<string>();
    const foreign = [...cards].filter((code) => !codesOf.get(line.product_id)?.has(code));
    if (cards.size !== line.quantity) problems.push(`${line.shop_order_id}/${line.line_id}: ${cards.size} of ${line.quantity}`);
    if (foreign.length) problems.push(`${line.shop_order_id}/${line.line_id}: ${foreign.length} cards not imported for ${line.product_id}`);
  }
  const completed = [...states.values()].filter((s) => s === 'COMPLETED').length;
  const summary = ctx.simulator.summary();
  if (summary.partial !== 0) problems.push(`the shop sees ${summary.partial} partially fulfilled orders`);
  return {
    name: 'every completed line has its quantity of distinct imported cards',
    passed: completed > 0 && problems.length === 0,
    detail: `${completed} completed orders, ${lines.length} lines, ${lines.reduce((sum, l) => sum + l.quantity, 0)} cards${problems.length ? `; ${firstOf(problems)}` : ''}`,
  };
}

/**
 * The secrets to look for: all of them up to `cap` cards, else every card's
 * with the delivered cards first (they are the ones that travelled: sealed,
 * opened, sent to the shop and by email) in a seeded sample. The scans cost
 * secrets × bytes scanned; a leak on any path that a share of the cards took
 * is still found: with 2,000 of 10,000 delivered cards sampled, one that
 * touches 20 of them is missed with probability 0.8^20 ≈ 1 %.
 */
export function secretsToLookFor(products: readonly PreparedProduct[], delivered: ReadonlySet<string>, cap: number, seed: number): { secrets: string[]; cards: number; of: number } {
  const cards = products.flatMap((p) => Array.from({ length: p.secrets.length / 2 }, (_, i) => ({ code: p.secrets[2 * i] as string, password: p.secrets[2 * i + 1] as string })));
  if (cards.length <= cap) return { secrets: cards.flatMap((c) => [c.code, c.password]), cards: cards.length, of: cards.length };
  const random = mulberry32(seed);
  const shuffled = cards.map((card) => ({ card, key: (delivered.has(card.code) ? 0 : 1) + random() })).sort((a, b) => a.key - b.key);
  // Nine in ten from the delivered cards, the rest from the cards still in stock.
  const deliveredShare = Math.round(cap * 0.9);
  const picked = [...shuffled.filter((s) => s.key < 1).slice(0, deliveredShare), ...shuffled.filter((s) => s.key >= 1)].slice(0, cap);
  return { secrets: picked.flatMap((p) => [p.card.code, p.card.password]), cards: picked.length, of: cards.length };
}

export async function checkNoPlaintextSecrets(ctx: CheckContext, cap: number, seed: number): Promise<CheckResult> {
  const delivered = new Set(ctx.simulator.records('fulfilment').flatMap((f) => f.cards.map((c) => c.code)));
  const { secrets, cards, of } = secretsToLookFor(ctx.products, delivered, cap, seed);
  const tables = await scanTables(ctx.adminUrl, Object.values(ctx.world.schemas), secrets);
  const topics = await scanTopics(ctx.world.topicPrefix, secrets, 180_000);
  const logs = scanLogs(ctx.world.logDir, secrets);
  const findings = [...tables, ...topics.findings, ...logs];
  const places = [...new Set(findings.map((f) => f.where))];
  return {
    name: 'no plaintext card secret in topics, tables or logs',
    passed: findings.length === 0 && topics.messages > 0,
    detail: `${secrets.length} secrets (${cards === of ? `all ${of} cards` : `${cards} of ${of} cards, delivered ones first`}) looked for in ${Object.keys(ctx.world.schemas).length} schemas, ${topics.messages} Kafka messages and the logs in ${ctx.world.logDir}${findings.length ? `; found ${findings.length} in ${firstOf(places)}` : ''}`,
  };
}

async function availableCards(ctx: CheckContext): Promise<Map<string, number>> {
  const inventory = ctx.world.schemas['card-inventory'];
  const rows = await query<{ product_id: string; available: string }>(
    ctx.adminUrl,
    `SELECT product_id, count(*) FILTER (WHERE status = 'available') AS available FROM "${inventory}".cards GROUP BY product_id`,
  );
  return new Map(rows.map((r) => [r.product_id, Number(r.available)]));
}

/**
 * Why a product's shop stock differs from its cards left, for the person
 * reading the report: what the shop did to its stock (created, sold, our
 * adjustments) and what catalog-sync holds (believed, the pending call, the
 * last count, units in flight, the stock task).
 */
async function stockAccount(ctx: CheckContext, product: PreparedProduct): Promise<string> {
  const stock = ctx.simulator.records('stock').filter((r) => r.listingId === product.listingId);
  const sum = (source: string) => stock.filter((r) => r.source === source).reduce((total, r) => total + r.delta, 0);
  const catalog = ctx.world.schemas['catalog-sync'];
  const [row] = await query<Record<string, unknown>>(
    ctx.adminUrl,
    `SELECT l.believed_stock, l.pending_delta, l.adjustment_seq,
            (SELECT available FROM "${catalog}".product_stock WHERE product_id = $1) AS counted,
            (SELECT sequence FROM "${catalog}".product_stock WHERE product_id = $1) AS count_sequence,
            (SELECT count(*) FROM "${catalog}".in_flight_orders f WHERE f.product_id = $1 AND f.settled_at IS NULL
               AND NOT EXISTS (SELECT 1 FROM "${catalog}".order_links k JOIN "${catalog}".counted_orders c ON c.order_id = k.order_id
                               WHERE k.shop_order_id = f.shop_order_id AND c.product_id = f.product_id)) AS lines_in_flight,
            (SELECT string_agg(t.status || ' v' || t.version || COALESCE(' leased until ' || t.leased_until::text, ''), ', ')
               FROM "${catalog}".sync_tasks t WHERE t.product_id = $1 AND t.kind = 'stock') AS stock_task
       FROM "${catalog}".shop_listings l WHERE l.product_id = $1`,
    [product.productId],
  );
  const inFlight = await query<Record<string, unknown>>(
    ctx.adminUrl,
    `SELECT f.*, k.order_id, k.linked_at, c.sequence AS counted_in, c.counted_at, a.allocated_at FROM "${catalog}".in_flight_orders f
       LEFT JOIN "${catalog}".order_links k ON k.shop_order_id = f.shop_order_id
       LEFT JOIN "${catalog}".counted_orders c ON c.order_id = k.order_id AND c.product_id = f.product_id
       LEFT JOIN "${catalog}".order_allocations a ON a.order_id = k.order_id
      WHERE f.product_id = $1 ORDER BY f.created_at`,
    [product.productId],
  );
  const file = join(ctx.world.logDir, `stock-${product.key}.json`);
  writeFileSync(file, JSON.stringify({ shop: stock, catalogSync: row, inFlight }, null, 1));
  return `${product.key} (history in ${file}): shop created ${sum('created')}, sold ${-sum('sale')}, adjusted by cardlink ${sum('adjustment')} (set ${stock.filter((r) => r.source === 'set').length}x); catalog-sync ${JSON.stringify(row ?? {})}`;
}

/** The shop's stock of each product beside the cards left, waiting up to `timeoutMs` for catalog-sync to bring them together. */
export async function checkShopStockMatchesCards(ctx: CheckContext, timeoutMs: number): Promise<CheckResult> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const cards = await availableCards(ctx);
    const figures = ctx.products.map((p) => {
      const shop = ctx.simulator.listing(p.listingId).stock;
      const left = cards.get(p.productId) ?? 0;
      return { product: p.key, shop, left };
    });
    const differ = figures.filter((f) => f.shop !== f.left);
    const detail = figures.map((f) => `${f.product}: shop ${f.shop}, cards left ${f.left}`).join('; ');
    if (differ.length === 0 || Date.now() > deadline) {
      const overPromised = differ.filter((f) => f.shop > f.left).map((f) => f.product);
      const accounts = await Promise.all(ctx.products.filter((p) => differ.some((f) => f.product === p.key)).map((p) => stockAccount(ctx, p)));
      return {
        name: "the shop's stock equals the cards left",
        passed: differ.length === 0,
        detail: `${detail}${overPromised.length ? `; the shop promises cards that do not exist for ${overPromised.join(', ')}` : ''}${accounts.map((a) => `; ${a}`).join('')}`,
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
}

export interface DeadLetter {
  topic: string;
  type: string;
  subject: string;
  /** The dead-letter headers: consumer group, attempts, error. */
  why: string;
}

/** Every message in the run's dead-letter topics. */
export async function readDeadLetters(prefix: string, timeoutMs = 60_000): Promise<DeadLetter[]> {
  const letters: DeadLetter[] = [];
  const topics = allTopicNames()
    .filter((t) => t.endsWith(DEAD_LETTER_SUFFIX))
    .map((t) => `${prefix}${t}`);
  await readTopicsToEnd(
    'cardlink-chaos-dlq',
    topics,
    (topic, message) => {
      const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]));
      // The dead-letter headers (x-dlq-*) say which consumer group gave up on the event, and why.
      const why = Object.entries(headers)
        .filter(([name]) => name.startsWith('x-dlq-') && !name.startsWith('x-dlq-original-'))
        .map(([name, value]) => `${name.slice('x-dlq-'.length)}=${value.replace(prefix, '')}`)
        .join(' ');
      letters.push({ topic: topic.slice(prefix.length), type: headers['ce_type'] ?? '?', subject: headers['ce_subject'] ?? message.key?.toString() ?? '?', why });
    },
    timeoutMs,
  );
  return letters;
}

/**
 * Nothing this run sends is meant to be refused, so no dead letter is
 * expected: each one is printed with its event, consumer group and error for
 * a person to explain, and the check fails until none is left.
 */
export async function checkDeadLetters(ctx: CheckContext): Promise<CheckResult> {
  const letters = await readDeadLetters(ctx.world.topicPrefix);
  const lines = letters.map((l) => `${l.topic} ${l.type} ${l.subject}: ${l.why.slice(0, 300)}`);
  for (const line of lines) ctx.log(`  dead letter: ${line}`);
  return {
    name: 'dead-letter topics empty or every entry explained',
    passed: letters.length === 0,
    detail: letters.length === 0 ? 'no dead letters' : `${letters.length} dead letters, unexplained: ${firstOf(lines)}`,
  };
}

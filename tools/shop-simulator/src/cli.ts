/**
 * The shop simulator from the command line.
 *
 *   npx tsx tools/shop-simulator/src/cli.ts serve [--port 4100]
 *   npx tsx tools/shop-simulator/src/cli.ts --orders N --rate R --products P --fraud-share F --seed S [options]
 *
 * See tools/shop-simulator/README.md for every option.
 */
import { parseArgs } from 'node:util';
import { FRAUD_IDENTITIES, planOrders, runLoad, type OrderTarget } from './lib/load';
import { mulberry32 } from './lib/random';
import { RemoteSimulator } from './lib/remote';
import type { Listing } from './lib/shop';
import { startShopSimulator, type RunningShopSimulator } from './lib/simulator';
import { formatSummary, type RunSummary } from './lib/summary';

const USAGE = `usage:
  cli.ts serve [--port 4100] [--gateway URL] [--callback-share 0.2] [--redelivery-share 0]
  cli.ts --orders N --rate R --products P --fraud-share F --seed S
         [--max-quantity 3] [--burst 0] [--create-listings --stock N] [--wait-listings 30]
         [--gateway URL] [--callback-share 0.2] [--redelivery-share 0] [--port 4100 | --simulator-url URL]
         [--settle-timeout 120] [--idle 15] [--run-id ID] [--keep-running] [--json]
environment: GATEWAY_URL, SHOP_WEBHOOK_SECRET, PAYMENT_PROVIDER_SECRET, SHOP_CLIENT_ID, SHOP_CLIENT_SECRET, SMS_API_KEY`;

class UsageError extends Error {}

function number(value: string | undefined, name: string, fallback: number, check: (n: number) => boolean = (n) => n >= 0): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || !check(parsed)) throw new UsageError(`--${name}: expected a valid number, got ${JSON.stringify(value)}`);
  return parsed;
}

const { values, positionals } = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        orders: { type: 'string' },
        rate: { type: 'string' },
        products: { type: 'string' },
        'fraud-share': { type: 'string' },
        seed: { type: 'string' },
        'max-quantity': { type: 'string' },
        burst: { type: 'string' },
        'create-listings': { type: 'boolean' },
        stock: { type: 'string' },
        'wait-listings': { type: 'string' },
        gateway: { type: 'string' },
        'callback-share': { type: 'string' },
        'redelivery-share': { type: 'string' },
        port: { type: 'string' },
        'simulator-url': { type: 'string' },
        'settle-timeout': { type: 'string' },
        idle: { type: 'string' },
        'run-id': { type: 'string' },
        'keep-running': { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
})();

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

function progress(line: string): void {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[2K${line}`);
}

async function startLocal(): Promise<RunningShopSimulator> {
  const gatewayUrl = values.gateway ?? process.env['GATEWAY_URL'];
  const webhookSecret = process.env['SHOP_WEBHOOK_SECRET'];
  const paymentProviderSecret = process.env['PAYMENT_PROVIDER_SECRET'];
  if (gatewayUrl && !webhookSecret) throw new UsageError('SHOP_WEBHOOK_SECRET is required with a gateway: the whsec_… secret shop-gateway verifies with');
  const sim = await startShopSimulator({
    port: number(values.port, 'port', 4100, (n) => Number.isInteger(n) && n >= 0 && n < 65536),
    gatewayUrl,
    webhookSecret,
    paymentProviderSecret,
    paymentCallbackShare: number(values['callback-share'], 'callback-share', paymentProviderSecret ? 0.2 : 0, (n) => n >= 0 && n <= 1),
    redeliveryShare: number(values['redelivery-share'], 'redelivery-share', 0, (n) => n >= 0 && n <= 1),
    seed: number(values.seed, 'seed', 1, Number.isInteger),
  });
  log(`shop simulator listening on ${sim.url}${gatewayUrl ? `, webhooks to ${gatewayUrl}` : ' (no gateway: no webhooks are sent)'}`);
  return sim;
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

interface Shop extends OrderTarget {
  listings(): Listing[] | Promise<Listing[]>;
  createListing(listing: Omit<Listing, 'listingId' | 'updatedAt'>): Listing | Promise<Listing>;
  summary(): RunSummary | Promise<RunSummary>;
}

async function listingsToBuy(shop: Shop, products: number, orders: number, seed: number): Promise<Listing[]> {
  const listed = async (): Promise<Listing[]> => (await shop.listings()).filter((l) => l.status === 'listed').sort((a, b) => a.listingId.localeCompare(b.listingId));
  if (values['create-listings']) {
    const existing = await listed();
    const random = mulberry32(seed);
    const stock = number(values.stock, 'stock', Math.ceil((orders * 2 * 2) / products), Number.isInteger);
    for (let k = existing.length; k < products; k += 1) {
      await shop.createListing({
        externalId: `sim-product-${seed}-${k + 1}`,
        title: `Simulated card product ${k + 1}`,
        description: 'created by the shop simulator',
        price: { amount: 1_000 + Math.floor(random() * 90) * 100, currency: 'CNY' },
        categoryIds: ['sim'],
        stock,
        status: 'listed',
      });
    }
  }
  const deadline = Date.now() + number(values['wait-listings'], 'wait-listings', 30) * 1000;
  for (;;) {
    const available = await listed();
    if (available.length >= products) return available.slice(0, products);
    if (Date.now() > deadline) {
      throw new UsageError(`the shop has ${available.length} listed listing(s), ${products} needed: let catalog-sync list products, or pass --create-listings`);
    }
    progress(`waiting for ${products} listings in the shop (${available.length} so far)…`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Until every acknowledged order is completed or refunded, nothing moved for --idle seconds, or --settle-timeout passed. */
async function settle(shop: Shop, placed: number): Promise<RunSummary> {
  const deadline = Date.now() + number(values['settle-timeout'], 'settle-timeout', 120) * 1000;
  const idleMs = number(values.idle, 'idle', 15) * 1000;
  let last = '';
  let lastChange = Date.now();
  for (;;) {
    const summary = await shop.summary();
    const resolved = summary.completed + summary.refunded + summary.notAcknowledged;
    const fingerprint = `${summary.completed}/${summary.refunded}/${summary.fulfilmentCalls}/${summary.partial}`;
    if (fingerprint !== last) {
      last = fingerprint;
      lastChange = Date.now();
    }
    progress(`settling: ${summary.completed} completed, ${summary.refunded} refunded, ${summary.held} held, ${summary.partial} partial of ${placed}`);
    if (resolved >= placed || Date.now() - lastChange > idleMs || Date.now() > deadline) {
      progress('');
      return summary;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function load(): Promise<number> {
  const orders = number(values.orders, 'orders', 100, (n) => Number.isInteger(n) && n > 0);
  const products = number(values.products, 'products', 3, (n) => Number.isInteger(n) && n > 0);
  const seed = number(values.seed, 'seed', 1, Number.isInteger);
  const options = {
    orders,
    ratePerSecond: number(values.rate, 'rate', 20),
    fraudShare: number(values['fraud-share'], 'fraud-share', 0.05, (n) => n >= 0 && n <= 1),
    seed,
    maxQuantity: number(values['max-quantity'], 'max-quantity', 3, (n) => Number.isInteger(n) && n >= 1),
    burst: number(values.burst, 'burst', 0, Number.isInteger),
    runId: values['run-id'] ?? `SIM${seed}-${Date.now().toString(36).toUpperCase()}`,
  };
  const local = values['simulator-url'] ? undefined : await startLocal();
  const shop: Shop = local ?? new RemoteSimulator(values['simulator-url'] as string);
  try {
    const listings = await listingsToBuy(shop, products, orders, seed);
    const plan = planOrders(
      listings.map((l) => l.listingId),
      options,
    );
    log(
      `run ${options.runId}: ${orders} orders at ${options.ratePerSecond}/s over ${products} listing(s) (${listings.map((l) => `${l.listingId} stock ${l.stock}`).join(', ')}), ` +
        `${plan.filter((o) => o.fraud).length} from fraud identities, burst of ${plan.filter((o) => o.burst).length}, seed ${seed}`,
    );
    const result = await runLoad(shop, plan, (done, total) => progress(`orders: ${done}/${total}`));
    progress('');
    log(`placed ${result.placed}, out of stock ${result.outOfStock}, in ${(result.durationMs / 1000).toFixed(1)} s; waiting for deliveries…`);
    const summary = values.gateway || process.env['GATEWAY_URL'] || values['simulator-url'] ? await settle(shop, result.placed) : await shop.summary();
    process.stdout.write(`${formatSummary(summary)}\n`);
    if (values.json) process.stdout.write(`${JSON.stringify({ runId: options.runId, seed, load: result, summary })}\n`);
    if (local && values['keep-running']) {
      log(`still serving on ${local.url}; Ctrl-C to stop`);
      await waitForSignal();
    }
    return summary.duplicates > 0 || summary.missing > 0 ? 1 : 0;
  } finally {
    await local?.close();
  }
}

async function main(): Promise<number> {
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (positionals[0] === 'serve') {
    const sim = await startLocal();
    log(`fraud identities for risk-control's block lists: ${FRAUD_IDENTITIES.map((f) => f.email).join(', ')}`);
    await waitForSignal();
    await sim.close();
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unknown command ${positionals[0]}`);
  return load();
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n${USAGE}`);
      process.exit(2);
    }
    console.error(error);
    process.exit(1);
  },
);

/** What one fault-harness run does: how much load, and how many of each fault. */
export interface ChaosOptions {
  orders: number;
  /** Orders per second the shop's buyers place. */
  rate: number;
  /** The CI version: fewer orders, one kill per service, no broker restart. */
  short: boolean;
  /** Decides the buyers, the products they pick and the fault moments. */
  seed: number;
  killsPerService: number;
  restartBroker: boolean;
}

// 5,200 planned so that at least 5,000 are sold after the limited product runs out. 6/s is a moderate load for
// two cores that also run Kafka, Postgres and the simulator (about 8 orders/s is the pipeline's ceiling there).
export const FULL_RUN = { orders: 5_200, rate: 6, killsPerService: 2, restartBroker: true } as const;
export const SHORT_RUN = { orders: 600, rate: 10, killsPerService: 1, restartBroker: false } as const;

export class UsageError extends Error {}

export const USAGE = 'usage: npm run chaos -- [--orders N] [--rate R] [--seed S] [--short]';

function positiveNumber(flag: string, value: string | undefined, integer: boolean): number {
  const n = Number(value);
  if (value === undefined || value.trim() === '' || !Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(`${flag} needs a positive ${integer ? 'integer' : 'number'}, got ${value === undefined ? 'nothing' : JSON.stringify(value)}\n${USAGE}`);
  }
  return n;
}

/** Reads `--orders N --rate R --seed S --short`; the short run's defaults apply with --short, the full run's otherwise. */
export function parseChaosOptions(argv: readonly string[], defaultSeed = Date.now() % 1_000_000): ChaosOptions {
  const given: { orders?: number; rate?: number; seed?: number; short: boolean } = { short: false };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    switch (arg) {
      case '--short':
        given.short = true;
        break;
      case '--orders':
        given.orders = positiveNumber(arg, argv[++i], true);
        break;
      case '--rate':
        given.rate = positiveNumber(arg, argv[++i], false);
        break;
      case '--seed':
        given.seed = positiveNumber(arg, argv[++i], true);
        break;
      default:
        throw new UsageError(`unknown option ${JSON.stringify(arg)}\n${USAGE}`);
    }
  }
  const base = given.short ? SHORT_RUN : FULL_RUN;
  return {
    orders: given.orders ?? base.orders,
    rate: given.rate ?? base.rate,
    short: given.short,
    seed: given.seed ?? defaultSeed,
    killsPerService: base.killsPerService,
    restartBroker: base.restartBroker,
  };
}

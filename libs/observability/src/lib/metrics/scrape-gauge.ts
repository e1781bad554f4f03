import { Gauge, type Registry } from 'prom-client';

export interface ScrapeSample<L extends string> {
  labels: Partial<Record<L, string>>;
  value: number;
}

export interface ScrapeGaugeOptions<L extends string> {
  name: string;
  help: string;
  labelNames?: readonly L[];
  /** Reads the current values, e.g. one grouped COUNT(*) query. */
  read: () => Promise<ScrapeSample<L>[]>;
  /** A scrape never waits longer than this for `read`; default 2000 ms. */
  timeoutMs?: number;
}

/**
 * A gauge whose values are read when Prometheus scrapes (prom-client
 * `collect`), for state that lives in the database, such as cards available
 * per product: nothing runs between scrapes and every replica answers alike.
 * Series missing from a read disappear. When `read` fails or is too slow the
 * scrape still succeeds: an unlabelled gauge reads NaN (unknown), a labelled
 * one keeps no series, so alerts on it stay quiet rather than see stale values.
 */
export function scrapeGauge<L extends string>(registry: Registry, options: ScrapeGaugeOptions<L>): Gauge<L> {
  const timeoutMs = options.timeoutMs ?? 2000;
  const labelled = (options.labelNames ?? []).length > 0;
  return new Gauge<L>({
    name: options.name,
    help: options.help,
    labelNames: options.labelNames ?? [],
    registers: [registry],
    async collect() {
      let samples: ScrapeSample<L>[] | undefined;
      try {
        samples = await withTimeout(options.read(), timeoutMs);
      } catch {
        samples = undefined;
      }
      this.reset();
      if (!samples) {
        if (!labelled) this.set(Number.NaN);
        return;
      }
      for (const sample of samples) {
        if (labelled) this.set(sample.labels, sample.value);
        else this.set(sample.value);
      }
    },
  });
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

import { mulberry32 } from '@cardlink/shop-simulator';

/** One fault and when it strikes, in milliseconds after the load began. */
export type PlannedFault =
  | { atMs: number; kind: 'kill'; service: string }
  | { atMs: number; kind: 'broker-restart' }
  | { atMs: number; kind: 'database-connections' }
  | { atMs: number; kind: 'shop-outage'; status: 503 | 429; forMs: number }
  | { atMs: number; kind: 'smtp-outage'; forMs: number };

export interface FaultPlanInput {
  /** How long the load runs: every fault strikes while buyers are still ordering. */
  loadMs: number;
  services: readonly string[];
  killsPerService: number;
  restartBroker: boolean;
  seed: number;
}

/** Two kills of one service are at least this far apart, so the second one hits a restarted, ready service. */
export const MIN_KILL_GAP_MS = 20_000;

/**
 * When each fault strikes. Kills fall at random moments between 5 % and 90 %
 * of the load; the other faults at fixed shares of it (staggered so their
 * effects can be told apart in the logs), each lasting a share of the load.
 */
export function planFaults(input: FaultPlanInput): PlannedFault[] {
  const random = mulberry32(input.seed);
  const from = input.loadMs * 0.05;
  const to = input.loadMs * 0.9;
  const gap = Math.min(MIN_KILL_GAP_MS, (to - from) / Math.max(1, input.killsPerService));
  const faults: PlannedFault[] = [];
  for (const service of input.services) {
    // Each kill in its own slice of the window, at a random moment in it, so kills of one service keep their distance.
    const slice = (to - from) / input.killsPerService;
    for (let k = 0; k < input.killsPerService; k += 1) {
      const start = from + k * slice + (k === 0 ? 0 : gap / 2);
      const end = from + (k + 1) * slice - (k === input.killsPerService - 1 ? 0 : gap / 2);
      faults.push({ atMs: Math.round(start + random() * (end - start)), kind: 'kill', service });
    }
  }
  const outage = (share: number) => Math.max(15_000, Math.min(30_000, Math.round(input.loadMs * share)));
  faults.push({ atMs: Math.round(input.loadMs * 0.2), kind: 'shop-outage', status: 503, forMs: outage(0.05) });
  faults.push({ atMs: Math.round(input.loadMs * 0.35), kind: 'database-connections' });
  if (input.restartBroker) faults.push({ atMs: Math.round(input.loadMs * 0.5), kind: 'broker-restart' });
  faults.push({ atMs: Math.round(input.loadMs * 0.6), kind: 'shop-outage', status: 429, forMs: outage(0.04) });
  faults.push({ atMs: Math.round(input.loadMs * 0.7), kind: 'smtp-outage', forMs: outage(0.06) });
  return faults.sort((a, b) => a.atMs - b.atMs);
}

export function describeFault(fault: PlannedFault): string {
  switch (fault.kind) {
    case 'kill':
      return `SIGKILL ${fault.service}`;
    case 'broker-restart':
      return 'restart the Kafka broker';
    case 'database-connections':
      return "terminate the run's Postgres connections";
    case 'shop-outage':
      return `the shop answers ${fault.status} for ${fault.forMs / 1000} s`;
    case 'smtp-outage':
      return `the SMTP server is down for ${fault.forMs / 1000} s`;
  }
}

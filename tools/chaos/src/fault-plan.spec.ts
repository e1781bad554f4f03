import { describeFault, MIN_KILL_GAP_MS, planFaults } from './fault-plan';

const SERVICES = ['shop-gateway', 'order-processing', 'risk-control', 'card-inventory', 'delivery-notifications', 'catalog-sync'];

describe('planFaults', () => {
  const full = { loadMs: 420_000, services: SERVICES, killsPerService: 2, restartBroker: true, seed: 11 };

  it('kills every service the asked number of times, inside the load, and its kills keep their distance', () => {
    const plan = planFaults(full);
    for (const service of SERVICES) {
      const kills = plan.filter((f) => f.kind === 'kill' && f.service === service).map((f) => f.atMs);
      expect(kills).toHaveLength(2);
      for (const at of kills) {
        expect(at).toBeGreaterThanOrEqual(full.loadMs * 0.05);
        expect(at).toBeLessThanOrEqual(full.loadMs * 0.9);
      }
      expect(Math.abs((kills[1] as number) - (kills[0] as number))).toBeGreaterThanOrEqual(MIN_KILL_GAP_MS);
    }
  });

  it('restarts the broker once, cuts the database connections once, and fails the shop and SMTP for a while', () => {
    const kinds = planFaults(full).map((f) => f.kind).filter((k) => k !== 'kill');
    expect(kinds.sort()).toEqual(['broker-restart', 'database-connections', 'shop-outage', 'shop-outage', 'smtp-outage']);
  });

  it('leaves the broker alone in the short run', () => {
    expect(planFaults({ ...full, loadMs: 60_000, killsPerService: 1, restartBroker: false }).some((f) => f.kind === 'broker-restart')).toBe(false);
  });

  it('is in time order and the same for the same seed, different for another', () => {
    const plan = planFaults(full);
    expect(plan.map((f) => f.atMs)).toEqual([...plan.map((f) => f.atMs)].sort((a, b) => a - b));
    expect(planFaults(full)).toEqual(plan);
    expect(planFaults({ ...full, seed: 12 })).not.toEqual(plan);
  });

  it('describes each fault in words', () => {
    expect(planFaults(full).map(describeFault)).toContain('SIGKILL catalog-sync');
    expect(describeFault({ atMs: 0, kind: 'shop-outage', status: 429, forMs: 12_000 })).toBe('the shop answers 429 for 12 s');
  });
});

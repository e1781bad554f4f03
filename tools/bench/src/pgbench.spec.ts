import { readPgbench } from './pgbench';

describe('readPgbench', () => {
  it('reads tps, latency and counts from pgbench 16 output', () => {
    const output = [
      'transaction type: pgbench-order-step.sql',
      'number of clients: 12',
      'number of transactions actually processed: 45000',
      'number of failed transactions: 0 (0.000%)',
      'latency average = 8.012 ms',
      'initial connection time = 20.1 ms',
      'tps = 1497.6 (without initial connection time)',
    ].join('\n');
    expect(readPgbench(output)).toEqual({ tps: 1497.6, latencyAverageMs: 8.012, transactions: 45000, failed: 0 });
  });

  it('fails with the output when pgbench printed no tps', () => {
    expect(() => readPgbench('pgbench: error: connection refused')).toThrow('connection refused');
  });
});

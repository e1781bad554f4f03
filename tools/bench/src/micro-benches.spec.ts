import { readAllocation, readCardImport, readRiskAssessment } from './micro-benches';

describe('reading the services’ benchmark summaries', () => {
  it('reads cards stored per second of the import', () => {
    const output =
      'lines 100000: accepted 98900, duplicates 1000, invalid 100\ntime 12.50 s = 8000 lines/s, 7912 cards stored/s\n' +
      'RSS before 180 MB, peak sampled 231 MB, process peak (getrusage maxRSS) 236 MB; peak JS heap used 98 MB\ncounts exact\n';
    expect(readCardImport(output)).toEqual({ cardsPerSecond: 7912, seconds: 12.5, peakRssMb: 236 });
  });

  it('reads both locking modes of the allocation benchmark', () => {
    const output = 'FOR UPDATE SKIP LOCKED: mean 812 allocations/s (best 830)\nplain FOR UPDATE:       mean 301 allocations/s (best 310)\n';
    expect(readAllocation(output)).toEqual({ skipLockedPerSecond: 812, forUpdatePerSecond: 301 });
  });

  it('reads risk assessments per second and fails loudly when the line is missing', () => {
    expect(readRiskAssessment('assessments/s: 640 (31.2 s)\ndecision time ms (begin to commit): p50 5.10  p99 21.40  max 80.1\n')).toEqual({ assessmentsPerSecond: 640, p50Ms: 5.1, p99Ms: 21.4 });
    expect(() => readRiskAssessment('crashed')).toThrow('no assessments/s');
  });
});

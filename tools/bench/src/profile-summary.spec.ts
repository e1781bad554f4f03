import { packageOf, summarizeProfile } from './profile-summary';

describe('profile summary', () => {
  it('names the package a script belongs to', () => {
    expect(packageOf('file:///work/main/node_modules/kafkajs/src/producer/index.js')).toBe('kafkajs');
    expect(packageOf('file:///work/main/node_modules/@opentelemetry/api/build/index.js')).toBe('@opentelemetry/api');
    expect(packageOf('node:internal/streams/writable')).toBe('node (built-in)');
    expect(packageOf('file:///work/main/dist/apps/shop-gateway/main.js')).toBe('service bundle');
  });

  it('adds self time per function and package and keeps idle apart', () => {
    const profile = {
      nodes: [
        { id: 1, callFrame: { functionName: '(idle)', url: '', lineNumber: -1 } },
        { id: 2, callFrame: { functionName: 'send', url: 'file:///x/node_modules/kafkajs/a.js', lineNumber: 9 } },
        { id: 3, callFrame: { functionName: 'query', url: 'file:///x/node_modules/pg/b.js', lineNumber: 0 } },
      ],
      samples: [1, 2, 2, 3],
      timeDeltas: [5000, 1000, 1000, 500],
    };
    const summary = summarizeProfile(profile);
    expect(summary).toMatchObject({ totalMs: 7.5, idleMs: 5 });
    expect(summary.byPackage).toEqual([
      ['kafkajs', 2],
      ['pg', 0.5],
    ]);
    expect(summary.byFunction[0]).toEqual(['send a.js:10', 2]);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { allTopicNames, DEAD_LETTER_SUFFIX, deadLetterTopic, SERVICE_NAMES, TOPICS } from './topics';

const topics = Object.values(TOPICS);

describe('TOPICS', () => {
  it.each(topics)('%s is named cardlink.<context>.<stream>.v<N>', (topic) => {
    expect(topic).toMatch(/^cardlink\.[a-z]+\.[a-z]+(?:-[a-z]+)*\.v[1-9][0-9]*$/);
  });

  it('has no topic twice', () => {
    expect(new Set(topics).size).toBe(topics.length);
  });

  it.each(topics)('%s and its dead-letter topic are legal Kafka topic names', (topic) => {
    for (const name of [topic, deadLetterTopic(topic)]) {
      expect(name).toMatch(/^[a-zA-Z0-9._-]{1,249}$/);
    }
  });
});

describe('deadLetterTopic', () => {
  it('appends .dlq', () => {
    expect(DEAD_LETTER_SUFFIX).toBe('.dlq');
    expect(deadLetterTopic(TOPICS.orderLifecycle)).toBe('cardlink.orders.lifecycle.v1.dlq');
  });
});

describe('allTopicNames', () => {
  const names = allTopicNames();

  it.each(topics)('has %s and its .dlq', (topic) => {
    expect(names).toContain(topic);
    expect(names).toContain(`${topic}.dlq`);
  });

  it('has nothing else, and nothing twice', () => {
    expect(names).toHaveLength(topics.length * 2);
    expect(new Set(names).size).toBe(names.length);
  });

  it('has no dead-letter topic of a dead-letter topic', () => {
    expect(names.filter((n) => n.endsWith('.dlq.dlq'))).toEqual([]);
  });
});

describe('SERVICE_NAMES', () => {
  it('names the six services once each', () => {
    expect(new Set(SERVICE_NAMES).size).toBe(6);
  });
});

describe('docker/compose.yaml', () => {
  /** The compose file lists the topics by hand (a shell loop cannot import TypeScript); keep it honest. */
  it('creates exactly allTopicNames(), 4 partitions each', () => {
    const compose = parse(readFileSync(join(__dirname, '..', '..', '..', '..', 'docker', 'compose.yaml'), 'utf8')) as {
      services: Record<string, { command?: string[] }>;
    };
    const script = (compose.services['kafka-topics']?.command ?? []).join('\n');
    const created = script.match(/cardlink\.[a-z0-9.-]*[a-z0-9]/g) ?? [];
    expect([...created].sort()).toEqual(allTopicNames().sort());
    expect(script).toContain('--partitions 4');
  });
});

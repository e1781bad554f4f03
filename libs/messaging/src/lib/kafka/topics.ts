import type { Admin, ITopicConfig } from 'kafkajs';

/** Metadata errors a topic answers with until every broker has heard of it and its partitions have leaders. */
const NOT_YET_READY = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE']);

/**
 * Creates the topics (those that exist are left alone) and returns once every
 * partition of each has a leader.
 *
 * kafkajs' own `waitForLeaders` retries only "leader not available"; a KRaft
 * broker whose metadata has not caught up with its controller answers "this
 * server does not host this topic-partition" instead, and kafkajs gives up at
 * once. So the wait is ours, and tolerates both.
 */
export async function createTopicsReady(admin: Admin, topics: readonly ITopicConfig[], timeoutMs = 30_000): Promise<void> {
  if (topics.length === 0) return;
  await admin.createTopics({ waitForLeaders: false, topics: [...topics] });
  const names = topics.map((t) => t.topic);
  const deadline = Date.now() + timeoutMs;
  let lastProblem = '';
  for (;;) {
    try {
      const { topics: found } = await admin.fetchTopicMetadata({ topics: names });
      const leaderless = found.filter((t) => t.partitions.length === 0 || t.partitions.some((p) => p.leader < 0)).map((t) => t.name);
      if (leaderless.length === 0) return;
      lastProblem = `no leader yet for ${leaderless.join(', ')}`;
    } catch (error) {
      const type = (error as { type?: string }).type;
      if (!type || !NOT_YET_READY.has(type)) throw error;
      lastProblem = (error as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`Kafka topics were created but not ready within ${timeoutMs} ms (${lastProblem})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

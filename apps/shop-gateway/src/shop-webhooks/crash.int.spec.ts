import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { TOPICS } from '@cardlink/contracts';
import { headersToStrings } from '@cardlink/messaging';
import { createTestTopics, deleteTestTopics, readTopic, TEST_BROKERS, testKafka } from '@cardlink/messaging/testing';
import { createTestSchema, type TestSchema } from '@cardlink/persistence';
import { freePort, serviceTestEnv } from '@cardlink/platform/testing';
import { EVENT_SAMPLES_FOR_TESTS } from './samples.fixture';

const REPO_ROOT = resolve(__dirname, '../../../..');
const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const BURST = 300;
const CONCURRENCY = 30;
const KILL_AFTER_ACKNOWLEDGED = 80;

interface Acknowledged {
  webhookId: string;
  eventId: string;
}

function signedWebhook(index: number) {
  const webhookId = `msg_crash_${index}_${randomUUID()}`;
  const order = { ...EVENT_SAMPLES_FOR_TESTS.order, shopOrderId: `LD-crash-${index}` };
  const body = JSON.stringify({ type: 'order.created', data: { order } });
  return { webhookId, body };
}

describe('shop-gateway killed with SIGKILL during a burst of webhooks', () => {
  const kafka = testKafka();
  let schema: TestSchema;
  let prefix: string;
  let gateway: ChildProcess | undefined;
  let port = 0;
  let base = '';

  /** The service as deployed: its own process, started from main.ts. */
  async function startGatewayProcess(): Promise<ChildProcess> {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/shop-gateway/src/main.ts'], {
      cwd: REPO_ROOT,
      stdio: 'ignore',
      env: {
        ...process.env,
        SWC_NODE_PROJECT: resolve(REPO_ROOT, 'tsconfig.base.json'),
        ...serviceTestEnv({ port, schema, topicPrefix: prefix, brokers: TEST_BROKERS, logLevel: 'silent' }),
        SHOP_WEBHOOK_SECRET: SECRET,
      },
    });
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`shop-gateway exited with ${child.exitCode}`);
      const ready = await fetch(`${base}/health/ready`).then((r) => r.status === 200, () => false);
      if (ready) return child;
      await new Promise((r) => setTimeout(r, 200));
    }
    child.kill('SIGKILL');
    throw new Error('shop-gateway did not become ready within 60 s');
  }

  /** Sends as a Standard Webhooks sender does: a 503 (the gateway's database busy, nothing stored) is retried after its Retry-After. */
  async function send(webhook: { webhookId: string; body: string }): Promise<Response> {
    for (let attempt = 1; ; attempt += 1) {
      const response = await sendOnce(webhook);
      if (response.status !== 503 || attempt >= 10) return response;
      await response.arrayBuffer();
      await new Promise((r) => setTimeout(r, Number(response.headers.get('retry-after') ?? 1) * 1000));
    }
  }

  function sendOnce(webhook: { webhookId: string; body: string }): Promise<Response> {
    const at = new Date();
    return fetch(`${base}/webhooks/shop`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': webhook.webhookId,
        'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        'webhook-signature': new Webhook(SECRET).sign(webhook.webhookId, at, webhook.body),
      },
      body: webhook.body,
    });
  }

  beforeAll(async () => {
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
    schema = await createTestSchema({ role: 'cardlink_gateway', prefix: 'gwcrash' });
    prefix = await createTestTopics(kafka);
  }, 60_000);

  afterAll(async () => {
    if (gateway && gateway.exitCode === null) {
      gateway.kill('SIGTERM');
      await once(gateway, 'exit');
    }
    await schema?.drop();
    if (prefix) await deleteTestTopics(kafka, prefix);
  }, 60_000);

  it('publishes every webhook it answered 2xx, and a replay of the whole burst adds no second event', async () => {
    gateway = await startGatewayProcess();
    const webhooks = Array.from({ length: BURST }, (_, i) => signedWebhook(i));
    const acknowledged: Acknowledged[] = [];
    const refusals: number[] = [];
    let next = 0;
    const killed = (async () => {
      while (acknowledged.length < KILL_AFTER_ACKNOWLEDGED && next < webhooks.length) await new Promise((r) => setTimeout(r, 1));
      gateway?.kill('SIGKILL');
    })();
    const sender = async () => {
      while (next < webhooks.length) {
        const webhook = webhooks[next++] as (typeof webhooks)[number];
        try {
          const response = await send(webhook);
          if (response.ok) acknowledged.push({ webhookId: webhook.webhookId, ...((await response.json()) as { eventId: string }) });
          else refusals.push(response.status);
        } catch {
          // The connection died with the process: the shop would retry this one.
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, sender));
    await killed;
    if (gateway.exitCode === null && gateway.signalCode === null) await once(gateway, 'exit');
    expect(refusals).toEqual([]);
    expect(acknowledged.length).toBeGreaterThanOrEqual(KILL_AFTER_ACKNOWLEDGED);
    expect(acknowledged.length).toBeLessThan(BURST);

    // Restarted, the relay publishes what was committed but not yet sent; the shop retries the whole burst.
    gateway = await startGatewayProcess();
    const replays = await Promise.all(
      webhooks.map(async (webhook) => {
        const response = await send(webhook);
        return { webhookId: webhook.webhookId, http: response.status, ...((await response.json()) as { status: string; eventId: string }) };
      }),
    );
    expect(replays.filter((replay) => replay.http !== 200)).toEqual([]);
    // Every answered webhook was stored before its answer: its replay is a duplicate of the same event.
    const replayOf = new Map(replays.map((replay) => [replay.webhookId, replay]));
    expect(acknowledged.map((a) => replayOf.get(a.webhookId))).toEqual(acknowledged.map((a) => expect.objectContaining({ status: 'duplicate', eventId: a.eventId })));

    const expectedIds = new Set(replays.map((replay) => replay.eventId));
    expect(expectedIds.size).toBe(BURST);
    // On the wire an event may appear twice (relay killed between send and mark); its id stays the same.
    const seen = new Set<string>();
    await readTopic(
      kafka,
      `${prefix}${TOPICS.shopOrders}`,
      (messages) => {
        const latest = messages[messages.length - 1];
        if (latest) seen.add(headersToStrings(latest.message.headers)['ce_id'] ?? '');
        return [...expectedIds].every((id) => seen.has(id));
      },
      60_000,
    );
    expect(acknowledged.filter((a) => !seen.has(a.eventId))).toEqual([]);
    expect([...expectedIds].filter((id) => !seen.has(id))).toEqual([]);
    expect([...seen].filter((id) => !expectedIds.has(id))).toEqual([]);
  }, 180_000);
});

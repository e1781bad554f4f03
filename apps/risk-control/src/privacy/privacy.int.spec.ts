import { randomBytes, randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import { BuyerErasureRequested, OrderPaid, RiskAssessed, type EventData } from '@cardlink/contracts';
import { credentialsEnv, testCredential } from '@cardlink/auth/testing';
import { findContactTraces } from '@cardlink/personal-data';
import { eventually, startServiceUnderTest, type ServiceUnderTest } from '@cardlink/platform/testing';
import { AppModule } from '../app.module';
import { configSchema } from '../config';
import { ListProtection } from './list-protection';

type Assessed = EventData<typeof RiskAssessed>;
const A = { buyerId: 'buyer-alice-7731', email: 'alice.privacy@example.com', phone: '+8613911112222', ip: '198.51.100.23', deviceId: 'dev-alice-01' };
const B = { buyerId: 'buyer-bob-4410', email: 'bob.keeps@example.com', phone: '+8613733334444', ip: '198.51.100.99', deviceId: 'dev-bob-02' };
const contactsOf = (buyer: typeof A) => [buyer.buyerId, buyer.email, buyer.phone, buyer.phone.slice(1), buyer.ip, buyer.deviceId];

describe('risk-control: list entries kept as match keys, no contact at rest, erasures recorded', () => {
  const admin = testCredential('adam', ['risk:admin']);
  let risk: ServiceUnderTest;
  let db: Client;

  const query = async <T>(sql: string, params: unknown[] = []) => (await db.query(sql, params)).rows as T[];

  async function assess(orderId: string, buyer: typeof A): Promise<Assessed> {
    const data: EventData<typeof OrderPaid> = {
      orderId,
      shopOrderId: `SO-${orderId}`,
      buyer,
      lines: [{ lineId: 'L1', productId: 'game-card', quantity: 1, unitPrice: 1200 }],
      amount: 1200,
      currency: 'CNY',
      paymentChannel: 'alipay',
      paymentAccount: buyer.phone,
      paidAt: new Date().toISOString(),
    };
    await risk.publish(OrderPaid, orderId, data);
    const rows = await eventually(
      () => query<{ payload: string }>('SELECT payload FROM outbox WHERE message_key = $1 AND event_type = $2', [orderId, RiskAssessed.type]),
      (r) => r.length > 0,
    );
    if (!rows[0]) throw new Error(`order ${orderId} was not assessed`);
    return JSON.parse(rows[0].payload) as Assessed;
  }
  async function addEntry(body: Record<string, unknown>) {
    const response = await fetch(`${risk.url}/lists`, {
      method: 'POST',
      headers: { authorization: admin.authorization, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  beforeAll(async () => {
    risk = await startServiceUnderTest({
      service: 'risk-control',
      role: 'cardlink_risk',
      schemaPrefix: 'riskpriv',
      configSchema,
      module: AppModule,
      env: {
        ...credentialsEnv(admin),
        RISK_COUNTER_KEY: randomBytes(32).toString('base64'),
        RISK_HOUSEKEEPING_INTERVAL_MS: '3600000',
        RISK_RULE_SET_REFRESH_MS: '0',
        PERSONAL_DATA_KEYS: `r1:${randomBytes(32).toString('base64')}`,
        PERSONAL_DATA_MATCH_KEY: randomBytes(32).toString('base64'),
      },
    });
    db = risk.db;
  }, 60_000);

  afterAll(async () => {
    await risk?.stop();
  });

  it('blocks by a staff entry stored as a match key, and an entry stored in clear before protection once it is protected', async () => {
    const added = await addEntry({ kind: 'block', field: 'email', value: 'Alice.Privacy@Example.com', reason: 'chargebacks' });
    expect(added.status).toBe(201);
    expect(added.body['value']).toBe('a***@example.com');
    // An entry from before protection: the clear value, as the table held it.
    await query(
      `INSERT INTO list_entries (id, kind, field, value, overridable, set_by, reason) VALUES ($1, 'watch', 'deviceId', $2, false, 'adam', 'shared device')`,
      [randomUUID(), B.deviceId],
    );
    const protectedCount = await risk.service.app.get(ListProtection).runRound();
    expect(protectedCount).toBe(1);

    const a = await assess('ord-a1', { ...A, email: 'ALICE.privacy@example.com' });
    expect(a.decision).toBe('reject');
    expect(a.firedRules[0]).toMatchObject({ ruleId: 'list.block', observed: { field: 'email' } });
    const b = await assess('ord-b1', B);
    expect(b.firedRules.map((r) => r.ruleId)).toContain('list.watch');

    expect(await findContactTraces(db, risk.schema.schema, [...contactsOf(A), ...contactsOf(B)])).toEqual([]);
  });

  it('records a buyer erasure with the list entries it keeps', async () => {
    const erasureId = randomUUID();
    const matchKey = (await query<{ value: string }>(`SELECT value FROM list_entries WHERE field = 'email'`))[0]?.value ?? '';
    expect(matchKey).toMatch(/^hm1\./);
    await risk.publish(BuyerErasureRequested, erasureId, {
      erasureId,
      matchKeys: [{ kind: 'email', key: matchKey }],
      orderIds: ['ord-a1'],
      shopOrderIds: ['SO-ord-a1'],
      requestedBy: 'olga',
      requestedAt: new Date().toISOString(),
    });
    const audit = await eventually(
      () => query<{ id: string; requested_by: string; orders_erased: number; reason: string }>('SELECT id, requested_by, orders_erased, reason FROM privacy_erasures'),
      (rows) => rows.length > 0,
    );
    expect(audit).toEqual([{ id: erasureId, requested_by: 'olga', orders_erased: 0, reason: expect.stringContaining('1 list entry') }]);
  });
});

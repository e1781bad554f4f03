import { Client } from 'pg';
import { Webhook } from 'standardwebhooks';
import { randomBytes } from 'node:crypto';
import { CardsAllocated, createEnvelope, OrderPaid, type EventData, type EventDefinition, type EventEnvelope } from '@cardlink/contracts';
import { deliveryRecipient, generateDeliveryKeyPair, sealForDelivery } from '@cardlink/card-crypto';
import { encodeEvent, EventProducer } from '@cardlink/messaging';
import { createTestTopics, deleteTestTopics, TEST_BROKERS, testKafka } from '@cardlink/messaging/testing';
import { createTestSchema, type TestSchema } from '@cardlink/persistence';
import { bootstrapService, type RunningService } from '@cardlink/platform';
import { freePort, serviceTestEnv } from '@cardlink/platform/testing';
import { credentialsEnv, testCredential, type TestCredential } from '@cardlink/auth/testing';
import { AppModule } from '../app.module';
import { configSchema } from '../config';
import { captureStdout, TestHttpServer, TestSmtpServer, testShop } from './fake-endpoints';

export interface TestCard {
  cardId: string;
  code: string;
  password?: string;
}

/**
 * delivery-notifications running in this process against real Kafka and
 * Postgres (a throwaway schema and private topics), a real SMTP server, a
 * merchant webhook receiver and a fake shop.
 */
export class DeliveryUnderTest {
  readonly kafka = testKafka();
  readonly producer = new EventProducer(this.kafka);
  readonly keys = generateDeliveryKeyPair();
  readonly webhookSecret = `whsec_${randomBytes(24).toString('base64')}`;
  readonly pickupSecret = randomBytes(32).toString('hex');
  readonly admin: TestCredential = testCredential('staff', ['delivery:admin']);
  port = 0;
  readonly smtp = new TestSmtpServer();
  readonly shop = testShop();
  /** What the merchant's webhook answers; tests change it to make deliveries fail. */
  merchantStatus = 204;
  readonly merchant = new TestHttpServer(() => ({ status: this.merchantStatus }));
  /** Plays the SMS provider: numbers shorter than 11 digits are refused as the real one does. */
  readonly sms: TestHttpServer = new TestHttpServer((request) => {
    const to = String((JSON.parse(request.body || '{}') as { to?: string }).to ?? '');
    if (to.replace(/\D/g, '').length < 11) return { status: 400, json: { error: 'invalid_number', message: 'not a mobile number' } };
    return { status: 202, json: { messageId: `sms-${Date.now()}-${Math.random()}` } };
  });
  schema!: TestSchema;
  prefix = '';
  service?: RunningService;
  db!: Client;
  logs = captureStdout();

  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(extraEnv: Record<string, string> = {}): Promise<void> {
    if (this.port === 0) this.port = await freePort();
    await Promise.all([this.smtp.start(), this.shop.start(), this.merchant.start(), this.sms.start()]);
    this.schema = await createTestSchema({ role: 'cardlink_delivery', prefix: 'delivery' });
    this.prefix = await createTestTopics(this.kafka);
    await this.producer.connect();
    Object.assign(process.env, {
      ...serviceTestEnv({ port: this.port, schema: this.schema, topicPrefix: this.prefix, brokers: TEST_BROKERS, consumerGroup: `delivery-${this.prefix}`, logLevel: 'info' }),
      ...credentialsEnv(this.admin),
      SHOP_API_URL: this.shop.url,
      SHOP_CLIENT_ID: 'cardlink',
      SHOP_CLIENT_SECRET: 'shop-secret',
      SHOP_API_MAX_ATTEMPTS: '1',
      CARD_DELIVERY_PRIVATE_KEY: this.keys.privateKeyPem,
      PICKUP_LINK_SECRET: this.pickupSecret,
      PUBLIC_BASE_URL: this.base,
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(this.smtp.port),
      SMTP_TIMEOUT_MS: '2000',
      SMS_API_URL: this.sms.url,
      SMS_API_KEY: 'sms-test-key',
      MERCHANT_WEBHOOK_URL: `${this.merchant.url}/hooks/cards`,
      MERCHANT_WEBHOOK_SECRET: this.webhookSecret,
      DELIVERY_RETRY_BASE_MS: '200',
      DELIVERY_RETRY_MAX_MS: '1000',
      DELIVERY_MAX_ATTEMPTS: '30',
      DELIVERY_POLL_INTERVAL_MS: '50',
      DELIVERY_MAX_MESSAGE_AGE_SECONDS: '3600',
      ...extraEnv,
    });
    this.service = await bootstrapService({ service: 'delivery-notifications', configSchema, module: AppModule });
    this.db = new Client({ connectionString: this.schema.url, options: `-c search_path=${this.schema.schema}` });
    await this.db.connect();
  }

  async stop(): Promise<void> {
    await this.db?.end();
    await this.service?.shutdown();
    await this.producer.disconnect();
    if (this.prefix) await deleteTestTopics(this.kafka, this.prefix);
    await this.schema?.drop();
    await Promise.all([this.smtp.stop(), this.shop.stop(), this.merchant.stop(), this.sms.stop()]);
    this.logs.restore();
  }

  async publish<D extends EventDefinition>(definition: D, subject: string, data: EventData<D>, correlationId?: string): Promise<EventEnvelope> {
    const envelope = createEnvelope(definition, { source: 'test', subject, data, correlationId });
    await this.publishEnvelope(definition, envelope);
    return envelope;
  }

  async publishEnvelope(definition: EventDefinition, envelope: EventEnvelope): Promise<void> {
    await this.producer.send([{ topic: `${this.prefix}${definition.topic}`, ...encodeEvent(envelope) }]);
  }

  /** A paid order and its allocation, as order-processing and card-inventory would announce them. */
  async paidAndAllocated(opts: {
    orderId: string;
    shopOrderId: string;
    email?: string;
    phone?: string;
    locale?: 'zh-CN' | 'en';
    productId?: string;
    cards: TestCard[];
    allocatedAt?: Date;
  }): Promise<{ paid: EventEnvelope; allocated: EventEnvelope }> {
    const paid = await this.paid(opts);
    const allocated = await this.allocated(opts);
    return { paid, allocated };
  }

  /** OrderPaid, as order-processing announces it. */
  async paid(opts: { orderId: string; shopOrderId: string; email?: string; phone?: string; locale?: 'zh-CN' | 'en'; productId?: string; cards: TestCard[]; allocatedAt?: Date }): Promise<EventEnvelope> {
    return this.publish(OrderPaid, opts.orderId, {
      orderId: opts.orderId,
      shopOrderId: opts.shopOrderId,
      buyer: { buyerId: `buyer-${opts.orderId}`, email: opts.email, phone: opts.phone, locale: opts.locale },
      lines: [{ lineId: 'line-1', productId: opts.productId ?? 'prod-steam-50', quantity: opts.cards.length, unitPrice: 4850 }],
      amount: 4850 * opts.cards.length,
      currency: 'CNY',
      paymentChannel: 'alipay',
      paidAt: (opts.allocatedAt ?? new Date()).toISOString(),
    }, `flow-${opts.orderId}`);
  }

  /** CardsAllocated for line-1, sealed to the service's key, as card-inventory announces it (a replacement names the voided card). */
  async allocated(opts: { orderId: string; productId?: string; cards: TestCard[]; allocatedAt?: Date; allocationId?: string; replacesCardId?: string }): Promise<EventEnvelope> {
    const recipient = deliveryRecipient(this.keys.publicKey);
    return this.publish(CardsAllocated, opts.orderId, {
      orderId: opts.orderId,
      allocationId: opts.allocationId ?? `alloc-${opts.orderId}`,
      lines: [
        {
          lineId: 'line-1',
          productId: opts.productId ?? 'prod-steam-50',
          cards: opts.cards.map((c) => ({
            cardId: c.cardId,
            secret: sealForDelivery(JSON.stringify(c.password === undefined ? { code: c.code } : { code: c.code, password: c.password }), recipient),
          })),
        },
      ],
      replacesCardId: opts.replacesCardId,
      allocatedAt: (opts.allocatedAt ?? new Date()).toISOString(),
    }, `flow-${opts.orderId}`);
  }

  /** Waits until the service has taken in these events (they are in its inbox). */
  async consumed(...envelopes: EventEnvelope[]): Promise<void> {
    const ids = envelopes.map((e) => e.id);
    const rows = await this.eventually(() => this.query('SELECT 1 FROM inbox WHERE event_id = ANY($1)', [ids]), (r) => r.length === ids.length);
    if (rows.length !== ids.length) throw new Error(`events not consumed in time: ${ids.join(', ')}`);
  }

  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.db.query(sql, params)).rows as T[];
  }

  async eventually<T>(read: () => Promise<T> | T, accept: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let value = await read();
    while (!accept(value) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      value = await read();
    }
    return value;
  }

  async deliveriesOf(orderId: string): Promise<{ id: string; channel: string; status: string; attempts: number; last_error: string | null }[]> {
    return this.query('SELECT id, channel, status, attempts, last_error FROM deliveries WHERE order_id = $1 ORDER BY channel', [orderId]);
  }

  /** Waits until no delivery of the order is pending any more. */
  async settled(orderId: string, expected: number, timeoutMs = 30_000) {
    return this.eventually(
      () => this.deliveriesOf(orderId),
      (rows) => rows.length === expected && rows.every((r) => r.status !== 'pending'),
      timeoutMs,
    );
  }

  verifyWebhook(request: { body: string; headers: Record<string, string> }): unknown {
    return new Webhook(this.webhookSecret).verify(request.body, request.headers);
  }

  /** Everything the service keeps: every row of every table of its schema, as text. */
  async schemaDump(): Promise<string> {
    const tables = await this.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1`, [this.schema.schema]);
    const parts: string[] = [];
    for (const { table_name } of tables) parts.push(JSON.stringify(await this.query(`SELECT * FROM "${table_name}"`)));
    return parts.join('\n');
  }
}

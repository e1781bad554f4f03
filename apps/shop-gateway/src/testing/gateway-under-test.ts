import { DataSource } from 'typeorm';
import { createTestTopics, deleteTestTopics, TEST_BROKERS, testKafka } from '@cardlink/messaging/testing';
import { createTestSchema, type TestSchema } from '@cardlink/persistence';
import { bootstrapService, type RunningService } from '@cardlink/platform';
import { freePort, serviceTestEnv } from '@cardlink/platform/testing';
import { AppModule } from '../app.module';
import { configSchema } from '../config';

/** shop-gateway booted as in production, on a throwaway schema and private topics. */
export interface GatewayUnderTest {
  service: RunningService;
  dataSource: DataSource;
  kafka: ReturnType<typeof testKafka>;
  /** Prefix of this run's private topics. */
  prefix: string;
  base: string;
  stop(): Promise<void>;
}

export async function startGateway(secrets: { shop: string; paymentProvider?: string; alipay?: { appId: string; publicKey: string } }): Promise<GatewayUnderTest> {
  const kafka = testKafka();
  const schema: TestSchema = await createTestSchema({ role: 'cardlink_gateway', prefix: 'gateway' });
  const prefix = await createTestTopics(kafka);
  const port = await freePort();
  Object.assign(process.env, {
    ...serviceTestEnv({ port, schema, topicPrefix: prefix, brokers: TEST_BROKERS, consumerGroup: `shop-gateway-${prefix}`, logLevel: 'silent' }),
    SHOP_WEBHOOK_SECRET: secrets.shop,
  });
  if (secrets.paymentProvider) process.env['PAYMENT_PROVIDER_SECRET'] = secrets.paymentProvider;
  else delete process.env['PAYMENT_PROVIDER_SECRET'];
  if (secrets.alipay) Object.assign(process.env, { ALIPAY_APP_ID: secrets.alipay.appId, ALIPAY_PUBLIC_KEY: secrets.alipay.publicKey });
  else for (const name of ['ALIPAY_APP_ID', 'ALIPAY_PUBLIC_KEY']) delete process.env[name];
  const service = await bootstrapService({ service: 'shop-gateway', configSchema, module: AppModule });
  if (!service) throw new Error('shop-gateway did not start');
  return {
    service,
    dataSource: service.app.get(DataSource),
    kafka,
    prefix,
    base: `http://127.0.0.1:${port}`,
    async stop() {
      await service.shutdown();
      await schema.drop();
      await deleteTestTopics(kafka, prefix);
    },
  };
}

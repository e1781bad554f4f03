import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { PlatformModule, SERVICE_CONFIG } from '@cardlink/platform';
import { configSchema, type GatewayConfig } from './config';
import { entities, migrations } from './database';
import { DatabaseUnavailableFilter } from './inbound/database-unavailable.filter';
import { RawBodyCapture } from './inbound/inbound-request';
import { WebhookMetrics } from './inbound/webhook-metrics';
import { AlipayProvider } from './payment-callbacks/alipay-provider';
import { PAYMENT_PROVIDERS, PaymentCallbackController } from './payment-callbacks/payment-callback.controller';
import type { PaymentProviderAdapter } from './payment-callbacks/payment-provider';
import { SimulatorProvider } from './payment-callbacks/simulator-provider';
import { ReceiptPurge, Receipts } from './receipts/receipts';
import { ShopWebhookController } from './shop-webhooks/shop-webhook.controller';

/** The providers whose settings are present; callbacks for any other get 404. */
function paymentProviders(config: GatewayConfig): PaymentProviderAdapter[] {
  const providers: PaymentProviderAdapter[] = [];
  if (config.PAYMENT_PROVIDER_SECRET) providers.push(new SimulatorProvider(config.PAYMENT_PROVIDER_SECRET));
  if (config.ALIPAY_APP_ID && config.ALIPAY_PUBLIC_KEY) providers.push(new AlipayProvider(config.ALIPAY_APP_ID, config.ALIPAY_PUBLIC_KEY));
  return providers;
}

@Module({
  // Its events carry the buyer's contacts and it keeps no other copy: a published event's payload goes at once, so an erasure finds nothing here.
  imports: [PlatformModule.forRoot({ service: 'shop-gateway', configSchema, entities, migrations, keepPublishedPayloads: false })],
  controllers: [ShopWebhookController, PaymentCallbackController],
  providers: [
    RawBodyCapture,
    WebhookMetrics,
    Receipts,
    ReceiptPurge,
    { provide: APP_FILTER, useClass: DatabaseUnavailableFilter },
    {
      provide: PAYMENT_PROVIDERS,
      inject: [SERVICE_CONFIG],
      useFactory: paymentProviders,
    },
  ],
})
export class AppModule {}

import { Module } from '@nestjs/common';
import { SERVICE_CONFIG } from '@cardlink/platform';
import { ShopClient, shopClientOptionsFromEnv, SmsProviderClient, smsProviderOptionsFromEnv } from '@cardlink/shop-client';
import type { DeliveryConfig } from '../config';
import { PickupLinks } from '../pickup/pickup-links';
import { TemplateBook } from '../templates/template-book';
import { CardOpener } from './card-opener';
import { CHANNEL_SENDERS, type ChannelSender } from './channels/channel-sender';
import { EmailSender } from './channels/email-sender';
import { ShopSender } from './channels/shop-sender';
import { SmsSender } from './channels/sms-sender';
import { WebhookSender } from './channels/webhook-sender';
import { DeliveriesController } from './deliveries.controller';
import { DeliveryDispatcher } from './delivery-dispatcher';
import { DeliveryEventsConsumer } from './delivery-events.consumer';
import { DeliveryMetrics } from './delivery-metrics';
import { DeliveryPlanner } from './delivery-planner';

function emailSender(config: DeliveryConfig): EmailSender {
  return new EmailSender({
    host: config.SMTP_HOST,
    port: config.SMTP_PORT,
    secure: config.SMTP_SECURE,
    user: config.SMTP_USER,
    password: config.SMTP_PASSWORD,
    timeoutMs: config.SMTP_TIMEOUT_MS,
    from: config.MAIL_FROM,
  });
}

function smsSender(config: DeliveryConfig): SmsSender {
  const provider =
    config.SMS_API_URL && config.SMS_API_KEY
      ? new SmsProviderClient(smsProviderOptionsFromEnv({ SMS_API_URL: config.SMS_API_URL, SMS_API_KEY: config.SMS_API_KEY }, { timeoutMs: config.SHOP_API_TIMEOUT_MS, maxAttempts: 2 }))
      : undefined;
  return new SmsSender(provider);
}

function channelSenders(config: DeliveryConfig, email: EmailSender, sms: SmsSender): ChannelSender[] {
  return [
    new ShopSender(new ShopClient(shopClientOptionsFromEnv(config))),
    email,
    sms,
    new WebhookSender({ url: config.MERCHANT_WEBHOOK_URL, secret: config.MERCHANT_WEBHOOK_SECRET, timeoutMs: config.WEBHOOK_TIMEOUT_MS }),
  ];
}

@Module({
  controllers: [DeliveryEventsConsumer, DeliveriesController],
  providers: [
    DeliveryPlanner,
    DeliveryDispatcher,
    DeliveryMetrics,
    TemplateBook,
    PickupLinks,
    { provide: CardOpener, inject: [SERVICE_CONFIG], useFactory: (config: DeliveryConfig) => new CardOpener(config.CARD_DELIVERY_PRIVATE_KEY) },
    { provide: EmailSender, inject: [SERVICE_CONFIG], useFactory: emailSender },
    { provide: SmsSender, inject: [SERVICE_CONFIG], useFactory: smsSender },
    { provide: CHANNEL_SENDERS, inject: [SERVICE_CONFIG, EmailSender, SmsSender], useFactory: channelSenders },
  ],
  exports: [CardOpener, PickupLinks, TemplateBook, DeliveryDispatcher, EmailSender, SmsSender],
})
export class DeliveriesModule {}

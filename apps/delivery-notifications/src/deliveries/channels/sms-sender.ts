import { ShopApiError, type CallOptions, type SmsAccepted } from '@cardlink/shop-client';
import { SendFailure } from '../delivery-policy';
import { renderSms } from '../../templates/template-language';
import { describeError, templateValuesOf, type ChannelSender, type OutgoingDelivery } from './channel-sender';

/** An SMS provider; the HTTP adapter is SmsProviderClient from libs/shop-client. */
export interface SmsProvider {
  sendSms(to: string, text: string, options?: CallOptions): Promise<SmsAccepted>;
}

export class SmsSender implements ChannelSender {
  readonly channel = 'sms' as const;

  constructor(private readonly provider: SmsProvider | undefined) {}

  /** A short message that is not a delivery (the pickup page's one-time code). */
  async sendNotice(to: string, text: string): Promise<void> {
    if (!this.provider) throw new SendFailure('no SMS provider configured (SMS_API_URL)', true);
    try {
      await this.provider.sendSms(to, text);
    } catch (error) {
      throw new SendFailure(`SMS provider: ${describeError(error)}`, !(error instanceof ShopApiError && error.retryable));
    }
  }

  async send(delivery: OutgoingDelivery): Promise<void> {
    if (!this.provider) throw new SendFailure('no SMS provider configured (SMS_API_URL)', true);
    if (!delivery.phone) throw new SendFailure('the buyer gave no phone number', true);
    if (!delivery.template) throw new Error('an SMS needs a template');
    const text = renderSms(delivery.template, templateValuesOf(delivery), delivery.locale);
    try {
      await this.provider.sendSms(delivery.phone, text, { idempotencyKey: `delivery:${delivery.deliveryId}` });
    } catch (error) {
      if (error instanceof ShopApiError) throw new SendFailure(`SMS provider: ${error.code} (${error.status})`, !error.retryable, error.retryAfterMs);
      throw new SendFailure(`SMS provider: ${describeError(error)}`, false);
    }
  }
}

import type { DeliveryChannel } from '@cardlink/contracts';
import { maskEmail } from '@cardlink/observability';
import type { CardView, Locale, TemplateText, TemplateValues } from '../../templates/template-language';

/** Everything one send needs. The cards are plaintext: this object lives only for the send. */
export interface OutgoingDelivery {
  deliveryId: string;
  channel: DeliveryChannel;
  attempt: number;
  orderId: string;
  shopOrderId: string;
  lineId: string;
  productId: string;
  productTitle: string;
  locale: Locale;
  email: string | null;
  phone: string | null;
  cards: (CardView & { cardId: string })[];
  pickupLink: string;
  pickupExpiresAt: Date;
  /** The merchant's (or the built-in) wording, for email and SMS. */
  template?: TemplateText;
}

/** Sends through one channel; throws a SendFailure that says whether another try can help. */
export interface ChannelSender {
  readonly channel: DeliveryChannel;
  send(delivery: OutgoingDelivery): Promise<void>;
}

export const CHANNEL_SENDERS = Symbol('CHANNEL_SENDERS');

/**
 * Error text fit for the attempts table, logs and the admin API: short, one
 * line, never the message body, and any address an SMTP server echoed masked.
 */
export function describeError(error: unknown): string {
  const text = error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error);
  return text
    .replace(/\s+/g, ' ')
    .replace(/[^\s<>"'(),;:]+@[^\s<>"'(),;:]+/g, (address) => maskEmail(address))
    .slice(0, 300);
}

export function formatExpiry(at: Date, locale: Locale): string {
  return at.toLocaleString(locale === 'zh-CN' ? 'zh-CN' : 'en-GB', { timeZone: locale === 'zh-CN' ? 'Asia/Shanghai' : 'UTC', dateStyle: 'medium', timeStyle: 'short' }) + (locale === 'zh-CN' ? '' : ' UTC');
}

/** What an email or SMS template of this delivery may show. */
export function templateValuesOf(delivery: OutgoingDelivery): TemplateValues {
  return {
    order: { id: delivery.orderId, number: delivery.shopOrderId },
    product: { id: delivery.productId, title: delivery.productTitle },
    cards: delivery.cards,
    pickupLink: delivery.pickupLink,
    pickupExpiresAt: formatExpiry(delivery.pickupExpiresAt, delivery.locale),
  };
}

import { createTransport, type Transporter } from 'nodemailer';
import { SendFailure } from '../delivery-policy';
import { renderEmail } from '../../templates/template-language';
import { describeError, templateValuesOf, type ChannelSender, type OutgoingDelivery } from './channel-sender';

export interface SmtpSettings {
  host?: string;
  port: number;
  secure: boolean;
  user?: string;
  password?: string;
  timeoutMs: number;
  from: string;
}

interface SmtpError {
  responseCode?: number;
  code?: string;
}

/** 5xx answers (no such mailbox, rejected address) are permanent; 4xx, timeouts and refused connections pass. */
export function smtpFailure(error: unknown): SendFailure {
  const { responseCode, code } = (error ?? {}) as SmtpError;
  const permanent = (typeof responseCode === 'number' && responseCode >= 500 && responseCode < 600) || code === 'EENVELOPE' && responseCode === undefined;
  return new SendFailure(`SMTP ${describeError(error)}`, permanent);
}

/** Email with text and HTML parts through SMTP. */
export class EmailSender implements ChannelSender {
  readonly channel = 'email' as const;
  private readonly transport?: Transporter;

  constructor(private readonly settings: SmtpSettings) {
    if (settings.host) {
      this.transport = createTransport({
        host: settings.host,
        port: settings.port,
        secure: settings.secure,
        auth: settings.user ? { user: settings.user, pass: settings.password ?? '' } : undefined,
        connectionTimeout: settings.timeoutMs,
        greetingTimeout: settings.timeoutMs,
        socketTimeout: settings.timeoutMs,
        // The message holds card secrets: nodemailer must not log it.
        logger: false,
        debug: false,
      });
    }
  }

  async send(delivery: OutgoingDelivery): Promise<void> {
    if (!this.transport) throw new SendFailure('no SMTP server configured (SMTP_HOST)', true);
    if (!delivery.email) throw new SendFailure('the buyer gave no email address', true);
    if (!delivery.template) throw new Error('an email needs a template');
    const message = renderEmail(delivery.template, templateValuesOf(delivery), delivery.locale);
    try {
      await this.transport.sendMail({
        from: this.settings.from,
        to: delivery.email,
        subject: message.subject,
        text: message.text,
        html: message.html,
        // Stable per delivery, so a copy sent again after a crash is recognisable as the same message.
        messageId: `<${delivery.deliveryId}@cardlink.delivery>`,
        headers: { 'X-Cardlink-Delivery': delivery.deliveryId },
      });
    } catch (error) {
      throw smtpFailure(error);
    }
  }

  /** A short message that is not a delivery (the pickup page's one-time code). */
  async sendNotice(to: string, subject: string, text: string): Promise<void> {
    if (!this.transport) throw new SendFailure('no SMTP server configured (SMTP_HOST)', true);
    try {
      await this.transport.sendMail({ from: this.settings.from, to, subject, text });
    } catch (error) {
      throw smtpFailure(error);
    }
  }

  close(): void {
    this.transport?.close();
  }
}

import { Controller, HttpCode, Inject, NotFoundException, Param, Post, Req, Res } from '@nestjs/common';
import { Logger } from 'nestjs-pino';
import { Public } from '@cardlink/auth';
import { PaymentReceived } from '@cardlink/contracts';
import { headerOf, InboundRejected, signedBody, type InboundRequest } from '../inbound/inbound-request';
import { WebhookMetrics } from '../inbound/webhook-metrics';
import { Receipts } from '../receipts/receipts';
import { InvalidCallbackBody, type CallbackOutcome, type CallbackReading, type PaymentProviderAdapter } from './payment-provider';

/** Injection token of the configured payment provider adapters. */
export const PAYMENT_PROVIDERS = 'CARDLINK_PAYMENT_PROVIDERS';

interface ReplyHeaders {
  setHeader(name: string, value: string): unknown;
}

/**
 * Payment providers' asynchronous notifications. Each provider's adapter checks
 * its own signature and trade status; a paid trade becomes PaymentReceived,
 * stored once per trade number before the provider is told it arrived.
 */
// Authenticated by each provider's own signature, not by a bearer token.
@Public()
@Controller('callbacks/payments')
export class PaymentCallbackController {
  private readonly providers: ReadonlyMap<string, PaymentProviderAdapter>;

  constructor(
    @Inject(PAYMENT_PROVIDERS) providers: PaymentProviderAdapter[],
    @Inject(Receipts) private readonly receipts: Receipts,
    @Inject(WebhookMetrics) private readonly metrics: WebhookMetrics,
    @Inject(Logger) private readonly logger: Logger,
  ) {
    this.providers = new Map(providers.map((provider) => [provider.name, provider]));
    for (const provider of providers) metrics.declare(sourceOf(provider));
  }

  @Post(':provider')
  @HttpCode(200)
  async receive(
    @Param('provider') name: string,
    @Req() request: InboundRequest,
    @Res({ passthrough: true }) response: ReplyHeaders,
  ): Promise<string> {
    const provider = this.providers.get(name);
    if (!provider) {
      throw new NotFoundException(`unknown payment provider ${JSON.stringify(name.slice(0, 64))}; known: ${[...this.providers.keys()].join(', ') || 'none'}`);
    }
    const source = sourceOf(provider);
    try {
      const body = signedBody(request, provider.mediaType);
      const problem = provider.signatureProblem(body, (header) => headerOf(request, header));
      if (problem) throw new InboundRejected('rejected_signature', problem);
      const { outcome, eventId } = await this.accept(source, readOf(provider, body));
      this.metrics.count(source, outcome);
      this.logger.log({ msg: `payment callback ${outcome}`, provider: provider.name, eventId });
      const reply = provider.reply(outcome, eventId);
      response.setHeader('content-type', reply.contentType);
      return reply.body;
    } catch (error) {
      if (error instanceof InboundRejected) {
        this.metrics.count(source, error.outcome);
        this.logger.warn({ msg: 'payment callback refused', provider: provider.name, outcome: error.outcome, reason: error.reason });
      }
      throw error;
    }
  }

  private async accept(source: string, reading: CallbackReading): Promise<{ outcome: CallbackOutcome; eventId?: string }> {
    if (reading.kind === 'not-paid') return { outcome: 'ignored' };
    const { payment } = reading;
    const acceptance = await this.receipts.acceptOnce(
      { sender: source, deliveryId: payment.tradeNo },
      { definition: PaymentReceived, subject: payment.shopOrderId, data: payment },
    );
    return { outcome: acceptance.status, eventId: acceptance.eventId };
  }
}

function sourceOf(provider: PaymentProviderAdapter): string {
  return `payment:${provider.name}`;
}

function readOf(provider: PaymentProviderAdapter, body: Buffer): CallbackReading {
  try {
    return provider.read(body);
  } catch (error) {
    if (error instanceof InvalidCallbackBody) throw new InboundRejected('rejected_body', error.message);
    throw error;
  }
}

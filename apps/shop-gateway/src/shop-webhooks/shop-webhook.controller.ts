import { Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { Logger } from 'nestjs-pino';
import { Public } from '@cardlink/auth';
import { SERVICE_CONFIG } from '@cardlink/platform';
import type { GatewayConfig } from '../config';
import { headerOf, InboundRejected, signedBody, type InboundRequest } from '../inbound/inbound-request';
import { parseJsonBody } from '../inbound/json-body';
import { WebhookMetrics } from '../inbound/webhook-metrics';
import { Receipts, type Acceptance } from '../receipts/receipts';
import { InvalidWebhookBody, toContractEvent } from './shop-webhook-events';
import { ShopSignature } from './shop-signature';

const SOURCE = 'shop';

/**
 * The shop's signed webhooks. Answers 2xx only once the event and its receipt
 * are committed; a forged, tampered, stale or replayed webhook changes nothing.
 */
// Authenticated by the Standard Webhooks signature, not by a bearer token.
@Public()
@Controller('webhooks')
export class ShopWebhookController {
  private readonly signature: ShopSignature;

  constructor(
    @Inject(SERVICE_CONFIG) config: GatewayConfig,
    @Inject(Receipts) private readonly receipts: Receipts,
    @Inject(WebhookMetrics) private readonly metrics: WebhookMetrics,
    @Inject(Logger) private readonly logger: Logger,
  ) {
    this.signature = new ShopSignature(config.SHOP_WEBHOOK_SECRET);
    metrics.declare(SOURCE);
  }

  @Post('shop')
  @HttpCode(200)
  async receive(@Req() request: InboundRequest): Promise<Acceptance> {
    const webhookId = headerOf(request, 'webhook-id');
    try {
      const acceptance = await this.accept(request);
      this.metrics.count(SOURCE, acceptance.status);
      this.logger.log({ msg: `shop webhook ${acceptance.status}`, webhookId, eventId: acceptance.eventId });
      return acceptance;
    } catch (error) {
      if (error instanceof InboundRejected) {
        this.metrics.count(SOURCE, error.outcome);
        this.logger.warn({ msg: 'shop webhook refused', webhookId, outcome: error.outcome, reason: error.reason });
      }
      throw error;
    }
  }

  private async accept(request: InboundRequest): Promise<Acceptance> {
    const body = signedBody(request, 'application/json');
    const check = this.signature.check(body, {
      'webhook-id': headerOf(request, 'webhook-id'),
      'webhook-timestamp': headerOf(request, 'webhook-timestamp'),
      'webhook-signature': headerOf(request, 'webhook-signature'),
    });
    if (!check.valid) throw new InboundRejected(check.outcome, check.reason);
    const payload = parseJsonBody(body);
    let event;
    try {
      event = toContractEvent(payload);
    } catch (error) {
      if (error instanceof InvalidWebhookBody) throw new InboundRejected('rejected_body', error.message);
      throw error;
    }
    return this.receipts.acceptOnce({ sender: SOURCE, deliveryId: check.webhookId }, event);
  }
}

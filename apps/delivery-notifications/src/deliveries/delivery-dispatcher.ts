import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DeliveryFailed, DeliverySucceeded, type DeliveryChannel } from '@cardlink/contracts';
import { inTraceOf, Outbox } from '@cardlink/messaging';
import { withTransaction } from '@cardlink/persistence';
import { SERVICE_CONFIG, UnitOfWork } from '@cardlink/platform';
import type { DeliveryConfig } from '../config';
import { PickupLinks } from '../pickup/pickup-links';
import { queryRows } from '../rows';
import { TemplateBook } from '../templates/template-book';
import type { Locale } from '../templates/template-language';
import { CardOpener } from './card-opener';
import { CHANNEL_SENDERS, describeError, type ChannelSender, type OutgoingDelivery } from './channels/channel-sender';
import { DeliveryMetrics, type AttemptOutcome, type DeliveryOutcome } from './delivery-metrics';
import { afterAttempt, isStaleMessage, MESSAGE_CHANNELS, SendFailure, type AttemptDecision, type RetryPolicy } from './delivery-policy';
import { openContact } from '../privacy/buyer-contacts';

interface ClaimedDelivery {
  id: string;
  order_id: string;
  line_id: string;
  allocation_id: string;
  product_id: string;
  channel: DeliveryChannel;
  attempts: number;
  allocated_at: Date;
  correlation_id: string | null;
  trace_context: Record<string, string> | null;
}

/**
 * Sends due deliveries. A pass claims a batch (SKIP LOCKED, so replicas share
 * the work) by counting the attempt and pushing its due time past a claim
 * window, then sends with no transaction open, then records the outcome, the
 * next try and the DeliverySucceeded / DeliveryFailed event in one
 * transaction. A replica that dies mid-send leaves the claim to expire and
 * the delivery is tried again; the shop and SMS calls carry the delivery id as
 * idempotency key and the webhook as `webhook-id`, so receivers see one effect.
 * Each attempt runs in the trace of the message that created the delivery, so
 * one order stays one trace through the send and its outcome event.
 */
@Injectable()
export class DeliveryDispatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(DeliveryDispatcher.name);
  private readonly senders: Map<DeliveryChannel, ChannelSender>;
  private readonly policy: RetryPolicy;
  private running?: Promise<void>;
  private stopped = false;
  private wake?: () => void;
  /** A wake came since the last claim began: its deliveries may not have been seen yet. */
  private nudged = false;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(UnitOfWork) private readonly unitOfWork: UnitOfWork,
    @Inject(Outbox) private readonly outbox: Outbox,
    @Inject(SERVICE_CONFIG) private readonly config: DeliveryConfig,
    @Inject(CHANNEL_SENDERS) senders: ChannelSender[],
    @Inject(TemplateBook) private readonly templates: TemplateBook,
    @Inject(CardOpener) private readonly cards: CardOpener,
    @Inject(PickupLinks) private readonly links: PickupLinks,
    @Inject(DeliveryMetrics) private readonly metrics: DeliveryMetrics,
  ) {
    this.senders = new Map(senders.map((s) => [s.channel, s]));
    this.policy = { maxAttempts: config.DELIVERY_MAX_ATTEMPTS, baseMs: config.DELIVERY_RETRY_BASE_MS, maxMs: config.DELIVERY_RETRY_MAX_MS };
  }

  onApplicationBootstrap(): void {
    this.running = this.loop();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running;
  }

  /** New deliveries were committed: look now instead of at the next poll. Call it after the commit, or the pass may not see them. */
  wakeNow(): void {
    this.nudged = true;
    this.wake?.();
  }

  /** One pass: claims and sends what is due; returns how many deliveries it tried. */
  async dispatchDue(): Promise<number> {
    const claimed = await withTransaction(this.dataSource, (manager) =>
      queryRows<ClaimedDelivery>(
        manager,
        `UPDATE deliveries d SET attempts = d.attempts + 1, next_attempt_at = now() + make_interval(secs => $2), updated_at = now()
         FROM (SELECT id FROM deliveries WHERE status = 'pending' AND next_attempt_at <= now()
               ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED) due
         WHERE d.id = due.id
         RETURNING d.id, d.order_id, d.line_id, d.allocation_id, d.product_id, d.channel, d.attempts, d.allocated_at, d.correlation_id, d.trace_context`,
        [this.config.DELIVERY_BATCH_SIZE, this.config.DELIVERY_CLAIM_SECONDS],
      ),
    );
    await Promise.all(
      claimed.map((delivery) =>
        inTraceOf(delivery.trace_context, 'delivery attempt', () => this.attempt(delivery), {
          'cardlink.delivery.channel': delivery.channel,
          'cardlink.delivery.attempt': delivery.attempts,
        }),
      ),
    );
    return claimed.length;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      let tried = 0;
      this.nudged = false;
      try {
        tried = await this.dispatchDue();
      } catch (error) {
        this.logger.error({ err: describeError(error) }, 'delivery pass failed');
      }
      if (tried === 0 && !this.stopped && !this.nudged) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.config.DELIVERY_POLL_INTERVAL_MS);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = undefined;
      }
    }
  }

  private async attempt(delivery: ClaimedDelivery): Promise<void> {
    const startedAt = new Date();
    if (isStaleMessage(delivery.channel, new Date(delivery.allocated_at), startedAt, this.config.DELIVERY_MAX_MESSAGE_AGE_SECONDS * 1000)) {
      await this.withhold(delivery);
      return;
    }
    let failure: SendFailure | undefined;
    try {
      const outgoing = await this.prepare(delivery);
      await this.sender(delivery.channel).send(outgoing);
    } catch (error) {
      failure = error instanceof SendFailure ? error : new SendFailure(describeError(error), false);
    }
    const decision = afterAttempt(this.policy, delivery.attempts, failure);
    const outcome: AttemptOutcome = failure ? (failure.permanent ? 'permanent' : 'transient') : 'succeeded';
    const final = await this.record(delivery, startedAt, outcome, failure, decision);
    // Counted once the outcome committed.
    this.metrics.attempted(delivery.channel, outcome);
    if (final) this.metrics.finished(delivery.channel, final);
  }

  private sender(channel: DeliveryChannel): ChannelSender {
    const sender = this.senders.get(channel);
    if (!sender) throw new SendFailure(`no sender for channel ${channel}`, true);
    return sender;
  }

  /** Loads the order line and opens its cards in memory. */
  private async prepare(delivery: ClaimedDelivery): Promise<OutgoingDelivery> {
    const [order] = await this.dataSource.query(
      `SELECT o.shop_order_id, o.email, o.phone, o.locale, s.title
       FROM buyer_orders o LEFT JOIN product_settings s ON s.product_id = $2 WHERE o.order_id = $1`,
      [delivery.order_id, delivery.product_id],
    );
    // The cards of this delivery's allocation; a card voided since (replaced by a later allocation) is not sent.
    const sealed: { card_id: string; sealed: never }[] = await this.dataSource.query(
      'SELECT card_id, sealed FROM allocated_cards WHERE order_id = $1 AND line_id = $2 AND allocation_id = $3 AND voided_at IS NULL ORDER BY id',
      [delivery.order_id, delivery.line_id, delivery.allocation_id],
    );
    if (sealed.length === 0) throw new SendFailure('no card left to deliver: every card of this delivery was voided', true);
    const locale: Locale = order.locale === 'en' ? 'en' : 'zh-CN';
    const link = this.links.create(delivery.order_id);
    const template = MESSAGE_CHANNELS.has(delivery.channel)
      ? await this.templates.resolve(delivery.product_id, delivery.channel as 'email' | 'sms', locale)
      : undefined;
    let cards: OutgoingDelivery['cards'];
    try {
      cards = sealed.map((row) => ({ cardId: row.card_id, ...this.cards.open(row.sealed) }));
    } catch (error) {
      throw new SendFailure(`cannot open the sealed cards: ${describeError(error)}`, true);
    }
    return {
      deliveryId: delivery.id,
      channel: delivery.channel,
      attempt: delivery.attempts,
      orderId: delivery.order_id,
      shopOrderId: order.shop_order_id,
      lineId: delivery.line_id,
      productId: delivery.product_id,
      productTitle: order.title ?? delivery.product_id,
      locale,
      email: openContact('email', order.email),
      phone: openContact('phone', order.phone),
      cards,
      pickupLink: link.url,
      pickupExpiresAt: link.expiresAt,
      template,
    };
  }

  /** Records the attempt; returns the delivery's final outcome when this attempt gave it one. */
  private async record(
    delivery: ClaimedDelivery,
    startedAt: Date,
    outcome: AttemptOutcome,
    failure: SendFailure | undefined,
    decision: AttemptDecision,
  ): Promise<DeliveryOutcome | undefined> {
    const finishedAt = new Date();
    const final = await this.unitOfWork.run(async (manager): Promise<DeliveryOutcome | undefined> => {
      await manager.query(
        `INSERT INTO delivery_attempts (delivery_id, number, outcome, error, started_at, finished_at) VALUES ($1, $2, $3, $4, $5, $6)`,
        [delivery.id, delivery.attempts, outcome, failure?.message ?? null, startedAt, finishedAt],
      );
      const cause = { subject: delivery.order_id, correlationId: delivery.correlation_id ?? undefined };
      switch (decision.status) {
        case 'succeeded':
          // Also over a cancellation that came while this send was under way: the cards did reach the buyer.
          await manager.query(
            `UPDATE deliveries SET status = 'succeeded', next_attempt_at = NULL, last_error = NULL, completed_at = $2, updated_at = now() WHERE id = $1`,
            [delivery.id, finishedAt],
          );
          await this.outbox.add(manager, DeliverySucceeded, {
            ...cause,
            data: { orderId: delivery.order_id, deliveryId: delivery.id, channel: delivery.channel, attempts: delivery.attempts, deliveredAt: finishedAt.toISOString() },
          });
          return 'delivered';
        case 'pending':
          await manager.query(
            `UPDATE deliveries SET next_attempt_at = now() + make_interval(secs => $2), last_error = $3, updated_at = now() WHERE id = $1 AND status = 'pending'`,
            [delivery.id, decision.retryInMs / 1000, decision.reason],
          );
          return undefined;
        case 'failed': {
          // A delivery cancelled while this attempt was under way stays cancelled.
          const failed = await queryRows(
            manager,
            `UPDATE deliveries SET status = 'failed', next_attempt_at = NULL, last_error = $2, permanent = $3, completed_at = $4, updated_at = now()
             WHERE id = $1 AND status = 'pending' RETURNING id`,
            [delivery.id, decision.reason, decision.permanent, finishedAt],
          );
          if (failed.length === 0) return undefined;
          await this.outbox.add(manager, DeliveryFailed, {
            ...cause,
            data: {
              orderId: delivery.order_id,
              deliveryId: delivery.id,
              channel: delivery.channel,
              attempts: delivery.attempts,
              permanent: decision.permanent,
              reason: decision.reason.slice(0, 1000),
              failedAt: finishedAt.toISOString(),
            },
          });
          return 'failed';
        }
      }
    });
    const log = { deliveryId: delivery.id, orderId: delivery.order_id, channel: delivery.channel, attempt: delivery.attempts, status: decision.status };
    if (decision.status === 'succeeded') this.logger.log(log, 'delivered');
    else this.logger.warn({ ...log, reason: decision.reason }, 'delivery attempt failed');
    return final;
  }

  /** Too old for email or SMS: nothing is sent, the buyer has the pickup page. */
  private async withhold(delivery: ClaimedDelivery): Promise<void> {
    const reason = `withheld: allocated more than ${this.config.DELIVERY_MAX_MESSAGE_AGE_SECONDS} s ago; the buyer can use the pickup page`;
    const at = new Date();
    const withheld = await this.unitOfWork.run(async (manager) => {
      const rows = await queryRows(
        manager,
        `UPDATE deliveries SET status = 'withheld', attempts = attempts - 1, next_attempt_at = NULL, last_error = $2, permanent = true, completed_at = $3, updated_at = now()
         WHERE id = $1 AND status = 'pending' RETURNING id`,
        [delivery.id, reason, at],
      );
      if (rows.length === 0) return false;
      await this.outbox.add(manager, DeliveryFailed, {
        subject: delivery.order_id,
        correlationId: delivery.correlation_id ?? undefined,
        data: { orderId: delivery.order_id, deliveryId: delivery.id, channel: delivery.channel, attempts: delivery.attempts - 1, permanent: true, reason, failedAt: at.toISOString() },
      });
      return true;
    });
    if (!withheld) return;
    this.metrics.attempted(delivery.channel, 'withheld');
    this.metrics.finished(delivery.channel, 'failed');
    this.logger.warn({ deliveryId: delivery.id, orderId: delivery.order_id, channel: delivery.channel }, 'delivery withheld: too old');
  }
}

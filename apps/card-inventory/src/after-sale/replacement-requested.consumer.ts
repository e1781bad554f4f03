import { Controller, Inject, Logger } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { CardReplacementRequested, CardVoided, type EventData } from '@cardlink/contracts';
import { InboxContext, Outbox, PermanentEventError } from '@cardlink/messaging';
import { queryRows } from '../rows';
import { VoidService } from './void.service';

type Replacements = EventData<typeof CardVoided>['replacements'];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * An after-sale case asks to replace a card: the same void and replacement as
 * staff's POST /cards/:cardId/void, answered with CardVoided so the case
 * learns whether the replacement went out or waits for stock.
 */
@Controller()
export class ReplacementRequestedConsumer {
  private readonly logger = new Logger(ReplacementRequestedConsumer.name);

  constructor(
    @Inject(VoidService) private readonly voids: VoidService,
    @Inject(Outbox) private readonly outbox: Outbox,
  ) {}

  @EventPattern(CardReplacementRequested.type)
  async onReplacementRequested(@Payload() data: EventData<typeof CardReplacementRequested>, @Ctx() ctx: InboxContext): Promise<void> {
    const manager = ctx.getManager();
    const sold = UUID.test(data.cardId)
      ? await queryRows<{ status: string }>(
          manager,
          'SELECT c.status FROM cards c JOIN card_allocations ca ON ca.card_id = c.id WHERE c.id = $1 AND ca.order_id = $2 LIMIT 1',
          [data.cardId, data.orderId],
        )
      : [];
    // Only a card this order was sold is voided on its case's word; anything else would void another buyer's card.
    if (!sold[0]) throw new PermanentEventError(`card ${data.cardId} was not sold to order ${data.orderId}; case ${data.caseId} cannot replace it`);
    const alreadyVoided = sold[0].status === 'voided';
    const replacements: Replacements = alreadyVoided
      ? await this.earlierReplacements(ctx, data.cardId)
      : (await this.voids.voidCard(manager, data.cardId, `after-sale case ${data.caseId}: ${data.reason}`.slice(0, 500), data.requestedBy)).replacements.map((r) =>
          r.status === 'allocated' ? { orderId: r.orderId, lineId: r.lineId, status: 'allocated', cardId: r.cardId } : { orderId: r.orderId, lineId: r.lineId, status: 'waiting' },
        );
    await this.outbox.add(manager, CardVoided, {
      subject: data.orderId,
      causedBy: ctx.getEnvelope(),
      data: { caseId: data.caseId, orderId: data.orderId, cardId: data.cardId, replacements, alreadyVoided, voidedAt: new Date().toISOString() },
    });
    this.logger.log({ caseId: data.caseId, orderId: data.orderId, cardId: data.cardId, alreadyVoided, replacements: replacements.map((r) => r.status) }, 'card voided for an after-sale case');
  }

  /** The replacements of an earlier void (by staff or another case), as they stand. */
  private async earlierReplacements(ctx: InboxContext, cardId: string): Promise<Replacements> {
    const rows = await queryRows<{ order_id: string; line_id: string; status: 'waiting' | 'allocated'; replacement_card_id: string | null }>(
      ctx.getManager(),
      `SELECT order_id, line_id, status, replacement_card_id FROM card_replacements WHERE voided_card_id = $1 AND status IN ('waiting', 'allocated') ORDER BY order_id, line_id`,
      [cardId],
    );
    return rows.map((r) =>
      r.status === 'allocated' && r.replacement_card_id !== null
        ? { orderId: r.order_id, lineId: r.line_id, status: 'allocated', cardId: r.replacement_card_id }
        : { orderId: r.order_id, lineId: r.line_id, status: 'waiting' },
    );
  }
}

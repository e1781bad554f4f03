import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AllocationService, type ReplacementOutcome } from '../allocation/allocation.service';
import { queryRows } from '../rows';
import { markStockChanged } from '../stock/stock-marks';

export interface VoidedCard {
  cardId: string;
  productId: string;
  status: 'voided';
  /** One per order line the card was sold to: its replacement card, or that it waits for stock. */
  replacements: ({ orderId: string; lineId: string } & ReplacementOutcome)[];
}

export interface VoidedBatch {
  batchId: string;
  productId: string;
  voidedCards: number;
}

/**
 * After-sale: staff void a bad card. An unsold card just leaves stock; a sold
 * one is replaced on the same order line, at once when a card is there,
 * otherwise as soon as one is imported.
 */
@Injectable()
export class VoidService {
  constructor(@Inject(AllocationService) private readonly allocation: AllocationService) {}

  async voidCard(manager: EntityManager, cardId: string, reason: string, voidedBy: string): Promise<VoidedCard> {
    const [card] = await queryRows<{ product_id: string; status: string }>(manager, 'SELECT product_id, status FROM cards WHERE id = $1 FOR UPDATE', [cardId]);
    if (!card) throw new NotFoundException(`card ${cardId} does not exist`);
    if (card.status === 'voided') throw new ConflictException(`card ${cardId} is already voided`);
    await manager.query(`UPDATE cards SET status = 'voided', void_reason = $2, voided_at = now() WHERE id = $1`, [cardId, reason]);

    // Only orders that still have their cards get a replacement; a cancelled order is owed nothing.
    const owed = await queryRows<{ order_id: string; line_id: string; product_id: string }>(
      manager,
      `INSERT INTO card_replacements (voided_card_id, order_id, line_id, product_id, reason, voided_by)
       SELECT ca.card_id, ca.order_id, ca.line_id, ca.product_id, $2, $3
       FROM card_allocations ca JOIN order_allocations oa ON oa.order_id = ca.order_id
       WHERE ca.card_id = $1 AND oa.status = 'allocated'
       ORDER BY ca.id
       RETURNING order_id, line_id, product_id`,
      [cardId, reason, voidedBy],
    );
    const replacements: VoidedCard['replacements'] = [];
    for (const line of owed) {
      const outcome = await this.allocation.fulfilReplacement(manager, { voidedCardId: cardId, orderId: line.order_id, lineId: line.line_id });
      replacements.push({ orderId: line.order_id, lineId: line.line_id, ...(outcome ?? { status: 'waiting' }) });
    }
    await markStockChanged(manager, [card.product_id]);
    return { cardId, productId: card.product_id, status: 'voided', replacements };
  }

  /** Voids every card of an import, allowed only while none of them was sold. */
  async voidBatch(manager: EntityManager, batchId: string, reason: string): Promise<VoidedBatch> {
    const [batch] = await queryRows<{ product_id: string; status: string }>(manager, 'SELECT product_id, status FROM card_batches WHERE id = $1 FOR UPDATE', [
      batchId,
    ]);
    if (!batch) throw new NotFoundException(`batch ${batchId} does not exist`);
    if (batch.status === 'voided') throw new ConflictException(`batch ${batchId} is already voided`);
    // Locking the batch's cards keeps an allocation from selling one while the batch is voided.
    const [{ sold }] = await queryRows<{ sold: number }>(
      manager,
      `SELECT count(*) FILTER (WHERE sold_count > 0)::int AS sold FROM (SELECT sold_count FROM cards WHERE batch_id = $1 FOR UPDATE) c`,
      [batchId],
    );
    if (sold > 0) throw new ConflictException(`batch ${batchId} cannot be voided: ${sold} of its cards were sold; void them one by one instead`);
    const voided = await queryRows<{ id: string }>(
      manager,
      `UPDATE cards SET status = 'voided', void_reason = $2, voided_at = now() WHERE batch_id = $1 AND status = 'available' RETURNING id`,
      [batchId, reason],
    );
    await manager.query(`UPDATE card_batches SET status = 'voided' WHERE id = $1`, [batchId]);
    await markStockChanged(manager, [batch.product_id]);
    return { batchId, productId: batch.product_id, voidedCards: voided.length };
  }
}

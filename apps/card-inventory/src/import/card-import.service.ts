import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { queryRows } from '../rows';
import { CardSecrets, type ProtectedCard } from '../secrets/card-secrets';
import { markStockChanged } from '../stock/stock-marks';
import { parseCardLines, type CardLine, type RejectedLine } from './card-lines';

/** What an import reports. Line numbers count from 1 and include blank lines. */
export interface ImportReport {
  batchId: string;
  productId: string;
  accepted: number;
  duplicates: number;
  invalid: number;
  /** The first MAX_LISTED_REJECTS rejected lines; `invalid` counts them all. */
  rejects: RejectedLine[];
  /** True when more lines were rejected than `rejects` lists. */
  rejectsTruncated: boolean;
}

export const MAX_LISTED_REJECTS = 1000;
/** Rows per INSERT: large enough to amortise round trips, small enough to keep memory flat. */
export const INSERT_BATCH_SIZE = 1000;

interface PendingCard extends ProtectedCard {
  id: string;
  expiresAt: Date | null;
}

/**
 * Imports cards into a product's pool as one batch. Lines are read as they
 * arrive, encrypted at once, and inserted a thousand at a time; duplicates
 * (same fingerprint anywhere in the product) are skipped by the unique index.
 * Runs in the caller's transaction, so a failed import leaves nothing behind.
 */
@Injectable()
export class CardImportService {
  constructor(@Inject(CardSecrets) private readonly secrets: CardSecrets) {}

  async importCards(manager: EntityManager, productId: string, lines: AsyncIterable<string> | Iterable<string>): Promise<ImportReport> {
    const batchId = randomUUID();
    await manager.query('INSERT INTO card_pools (product_id) VALUES ($1) ON CONFLICT (product_id) DO NOTHING', [productId]);
    await manager.query('INSERT INTO card_batches (id, product_id) VALUES ($1, $2)', [batchId, productId]);

    const report: ImportReport = { batchId, productId, accepted: 0, duplicates: 0, invalid: 0, rejects: [], rejectsTruncated: false };
    let pending: PendingCard[] = [];
    const flush = async () => {
      if (pending.length === 0) return;
      const inserted = await this.insert(manager, productId, batchId, pending);
      report.accepted += inserted;
      report.duplicates += pending.length - inserted;
      pending = [];
    };

    for await (const parsed of parseCardLines(lines)) {
      if ('reject' in parsed) {
        report.invalid += 1;
        if (report.rejects.length < MAX_LISTED_REJECTS) report.rejects.push(parsed.reject);
        else report.rejectsTruncated = true;
        continue;
      }
      pending.push(this.protect(parsed.card));
      if (pending.length >= INSERT_BATCH_SIZE) await flush();
    }
    await flush();

    await manager.query('UPDATE card_batches SET accepted = $2, duplicates = $3, invalid = $4 WHERE id = $1', [
      batchId,
      report.accepted,
      report.duplicates,
      report.invalid,
    ]);
    await markStockChanged(manager, [productId]);
    return report;
  }

  private protect(card: CardLine): PendingCard {
    const id = randomUUID();
    const secret = card.password === undefined ? { code: card.code } : { code: card.code, password: card.password };
    return { id, ...this.secrets.protect(id, secret), expiresAt: card.expiresAt ?? null };
  }

  /** Inserts one chunk with array parameters (one statement, nine parameters) and returns how many rows were new. */
  private async insert(manager: EntityManager, productId: string, batchId: string, cards: PendingCard[]): Promise<number> {
    const rows = await queryRows<{ id: string }>(
      manager,
      `INSERT INTO cards (id, product_id, batch_id, ciphertext, iv, key_id, fingerprint, masked_hint, expires_at)
       SELECT t.id, $1, $2, t.ciphertext, t.iv, t.key_id, t.fingerprint, t.masked_hint, t.expires_at
       FROM unnest($3::uuid[], $4::bytea[], $5::bytea[], $6::text[], $7::bytea[], $8::text[], $9::timestamptz[])
         AS t(id, ciphertext, iv, key_id, fingerprint, masked_hint, expires_at)
       ON CONFLICT (product_id, fingerprint) DO NOTHING
       RETURNING id`,
      [
        productId,
        batchId,
        cards.map((c) => c.id),
        cards.map((c) => c.ciphertext),
        cards.map((c) => c.iv),
        cards.map((c) => c.keyId),
        cards.map((c) => c.fingerprint),
        cards.map((c) => c.maskedHint),
        cards.map((c) => c.expiresAt),
      ],
    );
    return rows.length;
  }
}

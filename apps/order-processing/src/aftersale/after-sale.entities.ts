import { Check, Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';

/** One after-sale case; its state changes only through domain/after-sale-case.ts. */
@Entity({ name: 'aftersale_cases' })
@Unique('uq_aftersale_cases_source', ['source', 'sourceRef'])
@Check('ck_aftersale_cases_state', `"state" IN ('opened', 'replacing', 'replaced', 'refunding', 'refunded', 'rejected')`)
@Check('ck_aftersale_cases_source', `"source" IN ('buyer-report', 'shop-dispute')`)
@Index('ix_aftersale_cases_card', ['cardId', 'openedAt'])
@Index('ix_aftersale_cases_buyer', ['buyerId', 'openedAt'])
@Index('ix_aftersale_cases_state', ['state', 'openedAt'])
@Index('ix_aftersale_cases_order', ['orderId'])
export class AfterSaleCaseRecord {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_aftersale_cases' })
  id!: string;

  @Column({ type: 'text' })
  source!: string;

  @Column({ name: 'source_ref', type: 'text' })
  sourceRef!: string;

  @Column({ name: 'order_id', type: 'uuid' })
  orderId!: string;

  @Column({ name: 'shop_order_id', type: 'text' })
  shopOrderId!: string;

  /** The match key of the shop's buyer id (never the id in clear), `erased` after an erasure: what the per-buyer limit counts. */
  @Column({ name: 'buyer_id', type: 'text' })
  buyerId!: string;

  @Column({ name: 'card_id', type: 'text', nullable: true })
  cardId!: string | null;

  @Column({ name: 'line_id', type: 'text', nullable: true })
  lineId!: string | null;

  @Column({ name: 'product_id', type: 'text', nullable: true })
  productId!: string | null;

  @Column({ type: 'text' })
  note!: string;

  @Column({ type: 'text' })
  state!: string;

  @Column({ name: 'opened_at', type: 'timestamptz' })
  openedAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

/** Every step of every case, and every report refused by the limits (no case then). Append-only. */
@Entity({ name: 'aftersale_audit' })
@Index('ix_aftersale_audit_case', ['caseId', 'id'])
@Index('ix_aftersale_audit_order', ['orderId', 'id'])
export class AfterSaleAuditRecord {
  @PrimaryGeneratedColumn({ type: 'bigint', primaryKeyConstraintName: 'pk_aftersale_audit' })
  id!: string;

  @Column({ name: 'case_id', type: 'uuid', nullable: true })
  caseId!: string | null;

  @Column({ name: 'order_id', type: 'uuid' })
  orderId!: string;

  @Column({ type: 'text' })
  action!: string;

  @Column({ name: 'from_state', type: 'text', nullable: true })
  fromState!: string | null;

  @Column({ name: 'to_state', type: 'text', nullable: true })
  toState!: string | null;

  @Column({ type: 'text' })
  actor!: string;

  @Column({ type: 'text' })
  detail!: string;

  @Column({ name: 'cause_event_id', type: 'text', nullable: true })
  causeEventId!: string | null;

  @Column({ type: 'timestamptz' })
  at!: Date;
}

export const AFTERSALE_ENTITIES = [AfterSaleCaseRecord, AfterSaleAuditRecord];

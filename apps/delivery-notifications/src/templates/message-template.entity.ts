import { Check, Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A merchant's wording of one product's message on one channel in one language; `*` is every product's. */
@Entity({ name: 'message_templates' })
@Check('ck_message_templates_channel', `"channel" IN ('email', 'sms')`)
@Check('ck_message_templates_locale', `"locale" IN ('zh-CN', 'en')`)
export class MessageTemplate {
  @PrimaryColumn({ name: 'product_id', type: 'text', primaryKeyConstraintName: 'pk_message_templates' })
  productId!: string;

  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_message_templates' })
  channel!: 'email' | 'sms';

  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_message_templates' })
  locale!: 'zh-CN' | 'en';

  @Column({ type: 'text', nullable: true })
  subject!: string | null;

  @Column({ type: 'text' })
  body!: string;

  @Column({ name: 'updated_by', type: 'text' })
  updatedBy!: string;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

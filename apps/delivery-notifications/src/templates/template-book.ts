import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DEFAULT_TEMPLATES, type Locale, type TemplateChannel, type TemplateText } from './template-language';

export const ANY_PRODUCT = '*';

/** Finds the wording for a message: the product's own, else the merchant's default (`*`), else the built-in one. */
@Injectable()
export class TemplateBook {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async resolve(productId: string, channel: TemplateChannel, locale: Locale): Promise<TemplateText & { source: 'product' | 'merchant-default' | 'built-in' }> {
    const rows: { product_id: string; subject: string | null; body: string }[] = await this.dataSource.query(
      `SELECT product_id, subject, body FROM message_templates WHERE product_id IN ($1, $2) AND channel = $3 AND locale = $4
       ORDER BY product_id = $2`,
      [productId, ANY_PRODUCT, channel, locale],
    );
    const row = rows[0];
    if (row) return { subject: row.subject, body: row.body, source: row.product_id === ANY_PRODUCT ? 'merchant-default' : 'product' };
    return { ...DEFAULT_TEMPLATES[channel][locale], source: 'built-in' };
  }
}

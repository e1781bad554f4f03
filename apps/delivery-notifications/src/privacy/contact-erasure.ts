import type { EntityManager } from 'typeorm';

/**
 * Takes the contacts of these orders out of the delivery schema: the
 * addresses in buyer_orders, the visitor details of their pickup audit and
 * the buyer's key and note on their card reports, and the orders' published
 * outbox rows.
 * Deliveries, attempts and the audit rows themselves stay (what was sent,
 * when, and every reveal of a card). Returns the orders whose contacts were erased.
 */
export async function eraseDeliveryContacts(manager: EntityManager, orderIds: readonly string[]): Promise<string[]> {
  if (orderIds.length === 0) return [];
  const rows = (await manager.query(
    'SELECT order_id FROM buyer_orders WHERE order_id = ANY($1::text[]) AND (email IS NOT NULL OR phone IS NOT NULL) FOR UPDATE',
    [orderIds],
  )) as { order_id: string }[];
  const erased = rows.map((r) => r.order_id);
  await manager.query('UPDATE buyer_orders SET email = NULL, phone = NULL WHERE order_id = ANY($1::text[])', [erased]);
  await manager.query(`UPDATE pickup_audit SET ip = 'erased', user_agent = NULL WHERE order_id = ANY($1::text[]) AND ip <> 'erased'`, [orderIds]);
  // A report's note is the buyer's own words and may hold a contact; the published CardReported events carried it too.
  await manager.query(`UPDATE card_reports SET buyer_key = 'erased', note = 'erased' WHERE order_id = ANY($1::text[]) AND note <> 'erased'`, [orderIds]);
  await manager.query('DELETE FROM outbox WHERE published_at IS NOT NULL AND message_key = ANY($1::text[])', [orderIds]);
  return erased;
}

import { createHash } from 'node:crypto';

/** The namespace of every event id the gateway derives from a sender's delivery id. */
export const DELIVERY_NAMESPACE = '3f1c9a52-7a0e-4c5b-9d8e-2b6f4a1c7e30';

/** A name-based UUID (version 5, SHA-1, RFC 9562 §5.5): the same name always gives the same id. */
export function uuidV5(name: string, namespace: string): string {
  const namespaceBytes = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  if (namespaceBytes.length !== 16) throw new Error(`namespace "${namespace}" is not a UUID`);
  const bytes = createHash('sha1').update(namespaceBytes).update(name, 'utf8').digest().subarray(0, 16);
  bytes.writeUInt8((bytes.readUInt8(6) & 0x0f) | 0x50, 6);
  bytes.writeUInt8((bytes.readUInt8(8) & 0x3f) | 0x80, 8);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The id of the event a delivery produces. Derived, not random, so that a
 * replayed webhook or callback can never become a second, different event.
 */
export function deliveryEventId(sender: string, deliveryId: string): string {
  return uuidV5(`${sender}\n${deliveryId}`, DELIVERY_NAMESPACE);
}

import { createEnvelope, StockChanged } from '@cardlink/contracts';
import { decodeEvent, encodeEvent, UndecodableMessage } from './event-codec';

const envelope = createEnvelope(StockChanged, {
  source: 'card-inventory',
  subject: 'product-1',
  data: { productId: 'product-1', available: 7, sequence: 3, at: '2026-11-27T00:00:00.000Z' },
  causationId: 'cause-1',
  correlationId: 'flow-1',
});

function asKafkaMessage(encoded: ReturnType<typeof encodeEvent>) {
  return {
    key: Buffer.from(encoded.key),
    value: Buffer.from(encoded.value),
    headers: Object.fromEntries(Object.entries(encoded.headers).map(([k, v]) => [k, Buffer.from(v)])),
  };
}

describe('CloudEvents binary mode on Kafka', () => {
  it('puts the envelope in ce_* headers, the data in the body and the subject in the key', () => {
    const encoded = encodeEvent(envelope, { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' });
    expect(encoded.key).toBe('product-1');
    expect(JSON.parse(encoded.value)).toEqual(envelope.data);
    expect(encoded.headers).toMatchObject({
      ce_id: envelope.id,
      ce_type: 'cardlink.inventory.stock-changed.v1',
      ce_source: 'card-inventory',
      ce_subject: 'product-1',
      ce_specversion: '1.0',
      ce_correlationid: 'flow-1',
      ce_causationid: 'cause-1',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    });
  });

  it('decodes what it encodes', () => {
    expect(decodeEvent(asKafkaMessage(encodeEvent(envelope)))).toEqual(envelope);
  });

  it('refuses a message that is not a CloudEvent or whose body is not JSON', () => {
    expect(() => decodeEvent({ key: null, value: Buffer.from('{}'), headers: {} })).toThrow(UndecodableMessage);
    const encoded = asKafkaMessage(encodeEvent(envelope));
    expect(() => decodeEvent({ ...encoded, value: Buffer.from('{not json') })).toThrow(/body is not JSON/);
  });
});

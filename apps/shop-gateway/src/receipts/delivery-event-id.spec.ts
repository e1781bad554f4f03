import { deliveryEventId, uuidV5 } from './delivery-event-id';

describe('uuidV5', () => {
  it('matches the RFC 9562 test vector (www.example.com in the DNS namespace)', () => {
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('refuses a namespace that is not a UUID', () => {
    expect(() => uuidV5('x', 'not-a-uuid')).toThrow('not a UUID');
  });
});

describe('deliveryEventId', () => {
  it('is the same for the same delivery and differs between deliveries and senders', () => {
    const id = deliveryEventId('shop', 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W');
    expect(id).toBe(deliveryEventId('shop', 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W'));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deliveryEventId('shop', 'msg_other')).not.toBe(id);
    expect(deliveryEventId('payment:simulator', 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W')).not.toBe(id);
  });
});

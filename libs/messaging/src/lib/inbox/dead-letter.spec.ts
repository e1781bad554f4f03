import { deadLetterHeaders, DLQ_HEADER, replayHeaders } from './dead-letter';

describe('dead-letter headers', () => {
  const original = { ce_id: Buffer.from('event-1'), ce_type: Buffer.from('cardlink.inventory.stock-changed.v1') };
  const cause = {
    error: { name: 'Error', message: 'boom' },
    topic: 'cardlink.inventory.stock.v1',
    partition: 2,
    offset: '41',
    groupId: 'catalog-sync',
    attempts: 5,
  };

  it('keeps the original headers and adds the error and where the message came from', () => {
    const headers = deadLetterHeaders(original, cause, new Date('2026-11-27T00:00:00Z'));
    expect(headers).toEqual({
      ce_id: 'event-1',
      ce_type: 'cardlink.inventory.stock-changed.v1',
      [DLQ_HEADER.error]: 'boom',
      [DLQ_HEADER.errorName]: 'Error',
      [DLQ_HEADER.topic]: 'cardlink.inventory.stock.v1',
      [DLQ_HEADER.partition]: '2',
      [DLQ_HEADER.offset]: '41',
      [DLQ_HEADER.group]: 'catalog-sync',
      [DLQ_HEADER.attempts]: '5',
      [DLQ_HEADER.failedAt]: '2026-11-27T00:00:00.000Z',
    });
  });

  it('strips only its own annotations for a replay', () => {
    expect(replayHeaders(deadLetterHeaders(original, cause))).toEqual({ ce_id: 'event-1', ce_type: 'cardlink.inventory.stock-changed.v1' });
  });

  it('bounds a huge error message', () => {
    const headers = deadLetterHeaders(original, { ...cause, error: { name: 'Error', message: 'x'.repeat(10_000) } });
    expect(headers[DLQ_HEADER.error]).toHaveLength(2000);
  });
});

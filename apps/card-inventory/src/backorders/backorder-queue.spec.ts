import { BackorderQueue } from './backorder-queue';

describe('BackorderQueue', () => {
  it('stops younger waiters of a product that is still short, and only of that product', () => {
    const queue = new BackorderQueue();
    expect(queue.mayTry({ key: 'o1', productIds: ['a'] })).toBe(true);
    queue.stillShort(['a']);
    expect(queue.mayTry({ key: 'o2', productIds: ['a'] })).toBe(false);
    expect(queue.mayTry({ key: 'o3', productIds: ['b', 'a'] })).toBe(false);
    expect(queue.mayTry({ key: 'o4', productIds: ['b'] })).toBe(true);
  });
});

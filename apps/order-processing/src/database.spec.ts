import { schemaDriftOf } from '@cardlink/platform/testing';
import { entities, migrations } from './database';

describe('order-processing database', () => {
  it('has migrations that create exactly what its entities describe (no drift)', async () => {
    expect(await schemaDriftOf({ role: 'cardlink_orders', entities, migrations })).toEqual([]);
  });
});

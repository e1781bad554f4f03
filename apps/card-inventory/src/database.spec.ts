import { schemaDriftOf } from '@cardlink/platform/testing';
import { entities, migrations } from './database';

describe('card-inventory database', () => {
  it('has migrations that create exactly what its entities describe (no drift)', async () => {
    expect(await schemaDriftOf({ role: 'cardlink_inventory', entities, migrations })).toEqual([]);
  });
});

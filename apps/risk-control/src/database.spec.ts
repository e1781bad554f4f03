import { schemaDriftOf } from '@cardlink/platform/testing';
import { entities, migrations } from './database';

describe('risk-control database', () => {
  it('has migrations that create exactly what its entities describe (no drift)', async () => {
    expect(await schemaDriftOf({ role: 'cardlink_risk', entities, migrations })).toEqual([]);
  });
});

import { BadRequestException } from '@nestjs/common';
import fc from 'fast-check';
import type { DataSource } from 'typeorm';
import type { UnitOfWork } from '@cardlink/platform';
import { ORDER_STATES } from './domain/order-state-machine';
import type { OrderLifecycle } from './order-lifecycle';
import { OrdersController } from './orders.controller';

/** Records what the list query asked the database for; answers with no orders. */
function recordingDataSource() {
  const asked: { where: unknown[]; skip?: number; take?: number }[] = [];
  const builder = {
    andWhere: (_sql: string, params: unknown) => (asked[asked.length - 1]?.where.push(params), builder),
    orderBy: () => builder,
    addOrderBy: () => builder,
    skip: (n: number) => ((asked[asked.length - 1] as { skip?: number }).skip = n, builder),
    take: (n: number) => ((asked[asked.length - 1] as { take?: number }).take = n, builder),
    getManyAndCount: async () => [[], 0],
  };
  const dataSource = { getRepository: () => ({ createQueryBuilder: () => (asked.push({ where: [] }), builder) }) } as unknown as DataSource;
  return { dataSource, asked };
}

const INJECTIONS = ["PAID') OR ('1'='1", 'COMPLETED;DROP TABLE orders', '<svg/onload=alert(1)>', '2026-11-27T08:00:00Z; --'];
const text = fc.oneof(fc.string({ maxLength: 60 }), fc.constantFrom(...INJECTIONS));
/** What Express makes of a query string: strings, arrays for repeated keys, objects for a[b]=c. */
const queryValue = fc.oneof(text, fc.array(text, { maxLength: 3 }), fc.dictionary(text, text, { maxKeys: 2 }), fc.integer().map(String));

describe('GET /orders query parsing under generated query strings', () => {
  it('asks the database only with known states, ordered dates and a bounded page; anything else is a 400 before any query', async () => {
    const query = fc.record(
      {
        state: fc.oneof(fc.subarray([...ORDER_STATES], { minLength: 1 }).map((s) => s.join(',').toLowerCase()), queryValue),
        from: fc.oneof(fc.date({ noInvalidDate: true, min: new Date('2000-01-01'), max: new Date('2100-01-01') }).map((d) => d.toISOString()), queryValue),
        to: fc.oneof(fc.date({ noInvalidDate: true, min: new Date('2000-01-01'), max: new Date('2100-01-01') }).map((d) => d.toISOString().slice(0, 10)), queryValue),
        page: fc.oneof(fc.integer({ min: -2, max: 1_000 }).map(String), queryValue),
        pageSize: fc.oneof(fc.integer({ min: -2, max: 300 }).map(String), queryValue),
        extra: queryValue,
      },
      { requiredKeys: [] },
    );
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(query, async (given) => {
        const { dataSource, asked } = recordingDataSource();
        const controller = new OrdersController(dataSource, {} as UnitOfWork, {} as OrderLifecycle);
        try {
          await controller.list(given);
        } catch (error) {
          expect(error).toBeInstanceOf(BadRequestException);
          expect(asked).toEqual([]);
          return;
        }
        accepted += 1;
        const [call] = asked;
        expect(call?.take).toBeGreaterThanOrEqual(1);
        expect(call?.take).toBeLessThanOrEqual(200);
        expect(call?.skip).toBeGreaterThanOrEqual(0);
        for (const params of call?.where ?? []) {
          const states = (params as { states?: string[] }).states;
          if (states) expect(states.every((s) => (ORDER_STATES as readonly string[]).includes(s))).toBe(true);
        }
      }),
      { numRuns: 3_000 },
    );
    expect(accepted).toBeGreaterThan(0);
  });
});

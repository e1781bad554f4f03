import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { RiskAssessed } from '@cardlink/contracts';
import { IDENTITY_FIELDS } from '../../lists/identifiers';
import { ListEntryInput } from '../../lists/list-entry';
import { assessOrder } from '../assess-order';
import { CounterBook } from '../counter-book';
import { RiskDecision } from '../risk-rule';
import { buildRuleSet, RuleSetDefinition } from '../rule-set-definition';

const Order = z.object({
  orderId: z.string(),
  ...Object.fromEntries(IDENTITY_FIELDS.map((field) => [field, z.string().optional()])),
  buyerId: z.string(),
  amount: z.number().int().nonnegative(),
  currency: z.string(),
  lines: z
    .array(
      z.object({
        productId: z.string(),
        quantity: z.number().int().positive(),
        unitPrice: z.number().int().nonnegative(),
      }),
    )
    .min(1),
  paidAt: z.iso.datetime().transform((text) => new Date(text)),
});

const GoldenFile = z.object({
  description: z.string(),
  ruleSet: RuleSetDefinition,
  scenarios: z.array(
    z.object({
      name: z.string(),
      lists: z.array(ListEntryInput),
      orders: z.array(
        z.object({
          order: Order,
          expect: z
            .object({
              decision: z.enum(['approve', 'review', 'reject']),
              firedRules: z.array(z.string()),
              score: z.number(),
            })
            .optional(),
        }),
      ),
    }),
  ),
});

const golden = GoldenFile.parse(JSON.parse(readFileSync(join(__dirname, 'assessments.golden.json'), 'utf8')));
const ruleSet = buildRuleSet(golden.ruleSet);
const liveOnly = { ...ruleSet, rules: ruleSet.rules.filter((rule) => rule.mode === 'live') };

describe('golden assessments', () => {
  describe.each(golden.scenarios.map((scenario) => [scenario.name, scenario] as const))('%s', (_name, scenario) => {
    const book = new CounterBook();
    const outcomes = scenario.orders.map(({ order, expect: expected }) => {
      const features = book.observe(order);
      return {
        orderId: order.orderId,
        expected,
        actual: assessOrder(features, ruleSet, scenario.lists, order.paidAt),
        withoutShadowRules: assessOrder(features, liveOnly, scenario.lists, order.paidAt),
        paidAt: order.paidAt,
      };
    });
    const checked = outcomes.filter((outcome) => outcome.expected !== undefined);

    it('decides each order as expected, naming the rules that fired', () => {
      const summarise = (decision: RiskDecision, score: number, firedRules: readonly { ruleId: string }[]) => ({
        decision,
        score,
        firedRules: firedRules.map((rule) => rule.ruleId),
      });
      expect(
        checked.map(({ orderId, actual }) => ({
          orderId,
          ...summarise(actual.decision, actual.score, actual.firedRules),
        })),
      ).toEqual(checked.map(({ orderId, expected }) => ({ orderId, ...expected })));
    });

    it('gives the same decision and score without its shadow rules', () => {
      for (const { actual, withoutShadowRules } of checked) {
        expect({ decision: actual.decision, score: actual.score }).toEqual({
          decision: withoutShadowRules.decision,
          score: withoutShadowRules.score,
        });
      }
    });

    it('publishes every assessment as a valid RiskAssessed event', () => {
      for (const { orderId, actual, paidAt } of checked) {
        expect(() =>
          RiskAssessed.schema.parse({
            orderId,
            assessmentId: `a-${orderId}`,
            assessedAt: paidAt.toISOString(),
            ...actual,
          }),
        ).not.toThrow();
      }
    });
  });

  it('covers the cases the issue asks for', () => {
    const names = golden.scenarios.map((scenario) => scenario.name).join('\n');
    expect(names).toMatch(/20 orders of .* from 20 buyers within a minute/);
    expect(names).toMatch(/blocked email is rejected/);
    expect(names).toMatch(/allowed buyer pass the velocity rule/);
    expect(names).toMatch(/shadow rule .* changes nothing/);
  });
});

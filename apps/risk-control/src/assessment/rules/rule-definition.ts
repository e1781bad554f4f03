import { z } from 'zod';
import { RULE_MODES } from '../risk-rule';

/** What every rule definition has: a stable id, its mode and the weight it adds to the score when it fires. */
export const RuleDefinitionBase = {
  id: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9.\-_]{0,127}$/,
      'rule ids are lower-case letters, digits, ".", "-" and "_", up to 128 characters',
    ),
  mode: z.enum(RULE_MODES),
  weight: z.number().finite(),
};

export const Amount = z.number().int().nonnegative();
export const Count = z.number().int().nonnegative();

const formats = new Map<string, { format: Intl.NumberFormat; scale: number }>();

/** An amount in minor units for people: 12000 CNY is "CN¥120.00". */
export function formatAmount(minorUnits: number, currency: string): string {
  let cached = formats.get(currency);
  if (!cached) {
    // Building a NumberFormat costs far more than using one: once per currency.
    const format = new Intl.NumberFormat('en', { style: 'currency', currency });
    cached = { format, scale: 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2) };
    formats.set(currency, cached);
  }
  return cached.format.format(minorUnits / cached.scale);
}

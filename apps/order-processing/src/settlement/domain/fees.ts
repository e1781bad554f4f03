/** A payment channel's fee from a moment on: a percentage in basis points (1/100 %) plus a fixed part, in minor units. */
export interface FeeRate {
  channel: string;
  basisPoints: number;
  fixedMinor: number;
  effectiveFrom: string;
}

export class MissingFeeRate extends Error {
  override name = 'MissingFeeRate';
}

/** The rate in force for the channel at the time: the one with the latest effectiveFrom not after it. */
export function rateAt(rates: readonly FeeRate[], channel: string, at: string): FeeRate {
  const time = Date.parse(at);
  let found: FeeRate | undefined;
  for (const rate of rates) {
    if (rate.channel !== channel || Date.parse(rate.effectiveFrom) > time) continue;
    if (!found || Date.parse(rate.effectiveFrom) > Date.parse(found.effectiveFrom)) found = rate;
  }
  if (!found) throw new MissingFeeRate(`no fee rate for channel ${channel} in force at ${at}; add one with POST /settlement/fee-rates`);
  return found;
}

/**
 * The fee of one payment, in minor units: amount × basisPoints / 10 000 rounded
 * half up (0.5 fen and more → up), per payment, then the fixed part. Integer
 * arithmetic throughout (BigInt for the product), never floats.
 */
export function feeFor(amount: number, rate: Pick<FeeRate, 'basisPoints' | 'fixedMinor'>): number {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new RangeError(`a payment amount is a non-negative integer of minor units, got ${amount}`);
  const proportional = (BigInt(amount) * BigInt(rate.basisPoints) * 2n + 10_000n) / 20_000n;
  return Number(proportional) + rate.fixedMinor;
}

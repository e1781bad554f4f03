import { secretsToLookFor } from './checks';
import type { PreparedProduct } from './world-access';

function product(key: string, cards: number): PreparedProduct {
  const codes = Array.from({ length: cards }, (_, i) => `${key}-${i}`);
  return { key, title: key, price: 100, cards, productId: key, listingId: key, codes: new Set(codes), secrets: codes.flatMap((c) => [c, `${c}-pw`]) };
}

describe('secretsToLookFor', () => {
  it('looks for every secret while there are at most `cap` cards', () => {
    const products = [product('A', 3), product('B', 2)];
    expect(secretsToLookFor(products, new Set(), 5, 1)).toEqual({ secrets: products.flatMap((p) => p.secrets), cards: 5, of: 5 });
  });

  it('above the cap, samples whole cards (code with its password), nine in ten of them delivered ones', () => {
    const products = [product('A', 500), product('B', 500)];
    const delivered = new Set([...Array.from({ length: 300 }, (_, i) => `A-${i}`), ...Array.from({ length: 300 }, (_, i) => `B-${i}`)]);
    const { secrets, cards, of } = secretsToLookFor(products, delivered, 100, 7);
    expect({ cards, of, secrets: secrets.length }).toEqual({ cards: 100, of: 1_000, secrets: 200 });
    const codes = secrets.filter((_, i) => i % 2 === 0);
    expect(secrets.filter((_, i) => i % 2 === 1)).toEqual(codes.map((c) => `${c}-pw`));
    expect(new Set(codes).size).toBe(100);
    expect(codes.filter((c) => delivered.has(c))).toHaveLength(90);
    expect(secretsToLookFor(products, delivered, 100, 7).secrets).toEqual(secrets);
    expect(secretsToLookFor(products, delivered, 100, 8).secrets).not.toEqual(secrets);
  });
});

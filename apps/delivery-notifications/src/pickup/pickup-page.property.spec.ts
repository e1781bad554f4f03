import fc from 'fast-check';
import { cardsPage, lookupPage, refusalPage, type Refusal } from './pickup-page';

/** Text a buyer or a merchant controls: injection attempts first, then anything at all. */
const hostile = fc.oneof(
  fc.constantFrom(
    '<script>alert(document.cookie)</script>',
    '"><img src=x onerror=alert(1)>',
    "' onmouseover='alert(1)",
    '</textarea></title></style><svg onload=alert(1)>',
    "'; DROP TABLE deliveries; --",
    '&lt;already escaped&gt;',
    'javascript:alert(1)',
  ),
  fc.string({ maxLength: 60 }),
  fc.string({ unit: fc.constantFrom('<', '>', '"', "'", '&', '/', '=', 'a', ' ', ';'), maxLength: 30 }),
);

/** What markup a page has: every character that can open or close a tag or an attribute. */
function markup(html: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const c of html) if ('<>"\''.includes(c)) counts[c] = (counts[c] ?? 0) + 1;
  return counts;
}

const locale = fc.constantFrom('zh-CN' as const, 'en' as const);
const NONCE = 'n0nce';
const HREF = '/pickup?lang=en';

describe('pickup pages with hostile text in every field', () => {
  it('the cards page keeps its markup whatever the order number, product titles, codes and passwords hold', () => {
    const card = fc.record({ code: hostile, password: fc.option(hostile, { nil: undefined }) });
    const lines = fc.array(fc.record({ productTitle: hostile, cards: fc.array(card, { minLength: 1, maxLength: 3 }) }), { minLength: 1, maxLength: 3 });
    fc.assert(
      fc.property(locale, hostile, lines, fc.option(hostile, { nil: undefined }), (lang, orderNumber, given, validUntil) => {
        const page = cardsPage({ locale: lang, nonce: NONCE, orderNumber, lines: given, validUntil, otherLanguageHref: HREF });
        const blank = (s: string | undefined) => (s ? 'x' : s);
        const plain = cardsPage({
          locale: lang,
          nonce: NONCE,
          orderNumber: 'x',
          lines: given.map((l) => ({ productTitle: 'x', cards: l.cards.map((c) => ({ code: 'x', password: blank(c.password) })) })),
          validUntil: blank(validUntil),
          otherLanguageHref: HREF,
        });
        expect(markup(page)).toEqual(markup(plain));
        expect(page.match(/<script/g)).toHaveLength(1);
      }),
      { numRuns: 2_000 },
    );
  });

  it('the lookup and refusal pages keep their markup whatever the buyer typed into the form', () => {
    const refusal = fc.constantFrom<Refusal>('expired', 'invalid', 'notFound', 'rateLimited');
    fc.assert(
      fc.property(locale, refusal, hostile, hostile, fc.boolean(), (lang, why, orderNumber, contact, codeSent) => {
        const typed = { orderNumber, contact, codeSent };
        const plain = { orderNumber: 'x', contact: 'x', codeSent };
        expect(markup(lookupPage({ locale: lang, nonce: NONCE, otherLanguageHref: HREF, form: typed }))).toEqual(markup(lookupPage({ locale: lang, nonce: NONCE, otherLanguageHref: HREF, form: plain })));
        expect(markup(refusalPage({ locale: lang, nonce: NONCE, refusal: why, otherLanguageHref: HREF, form: typed }))).toEqual(
          markup(refusalPage({ locale: lang, nonce: NONCE, refusal: why, otherLanguageHref: HREF, form: plain })),
        );
      }),
      { numRuns: 2_000 },
    );
  });
});

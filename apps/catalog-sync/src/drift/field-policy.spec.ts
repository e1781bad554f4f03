import { decideDrift, DEFAULT_FIELD_POLICY, parseFieldPolicy } from './field-policy';

describe('field policy', () => {
  it('reverts a shop-side price change by default', () => {
    expect(DEFAULT_FIELD_POLICY.price).toBe('revert');
    expect(decideDrift([{ field: 'price', ours: '4850 CNY', shops: '100 CNY' }], DEFAULT_FIELD_POLICY)).toEqual([
      { field: 'price', ours: '4850 CNY', shops: '100 CNY', action: 'revert' },
    ]);
  });

  it('ignores fields that agree', () => {
    expect(decideDrift([{ field: 'title', ours: 'A', shops: 'A' }], DEFAULT_FIELD_POLICY)).toEqual([]);
  });

  it('parses overrides over the defaults', () => {
    expect(parseFieldPolicy('title:accept, status:report')).toEqual({ policy: { ...DEFAULT_FIELD_POLICY, title: 'accept', status: 'report' } });
    expect(parseFieldPolicy('')).toEqual({ policy: DEFAULT_FIELD_POLICY });
  });

  it('names every wrong entry', () => {
    expect(parseFieldPolicy('colour:accept,title:ignore,price:accept,stock')).toEqual({
      problems: [
        'unknown field "colour" (one of title, description, price, categories, status)',
        'unknown action "ignore" for title (one of revert, accept, report)',
        'price cannot be accepted from the shop (only title, description); use revert or report',
        '"stock" is not field:action',
      ],
    });
  });
});

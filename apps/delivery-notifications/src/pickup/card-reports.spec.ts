import { cleanNote } from './card-reports';

describe('a report note', () => {
  it('masks the card\'s own code and password wherever they appear, in any case', () => {
    expect(cleanNote('code ABCD-1234 with pw s3cret! fails; abcd-1234 again', ['ABCD-1234', 's3cret!'])).toBe('code [card] with pw [card] fails; [card] again');
  });

  it('keeps HTML as typed (pages escape it), drops control characters, trims and bounds it', () => {
    expect(cleanNote('  <b>bad</b>\u0000 card\u0007  ', [])).toBe('<b>bad</b> card');
    expect(cleanNote('x'.repeat(600), [])).toHaveLength(500);
  });

  it('ignores secrets too short to mask without garbling the text', () => {
    expect(cleanNote('a b c', ['a', ''])).toBe('a b c');
  });
});

import { maskEmail, maskPhone, maskSecret } from './masking';

describe('maskEmail', () => {
  it('keeps the first letter and the domain', () => {
    expect(maskEmail('alice@example.com')).toBe('a***@example.com');
  });

  it('hides a one-letter local part completely', () => {
    expect(maskEmail('a@example.com')).toBe('***@example.com');
  });

  it.each(['', 'alice', '@example.com', 'alice@', 'a@b@example.com'])(
    'masks the invalid address %p entirely',
    (invalid) => {
      expect(maskEmail(invalid)).toBe('***');
    },
  );
});

describe('maskPhone', () => {
  it('keeps the first three and last four digits', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
  });

  it('masks numbers too short to hide four digits entirely', () => {
    expect(maskPhone('1234567890')).toBe('***');
    expect(maskPhone('')).toBe('***');
  });
});

describe('maskSecret', () => {
  it('keeps two characters at each end of a card secret', () => {
    expect(maskSecret('ABCD-EFGH-1234')).toBe('AB****34');
  });

  it('hides secrets of six characters or fewer completely', () => {
    expect(maskSecret('ABCDEF')).toBe('****');
    expect(maskSecret('ABCDEFG')).toBe('AB****FG');
  });
});

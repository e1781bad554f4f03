import { describeError } from './channel-sender';

describe('describeError', () => {
  it('keeps the cause on one line and masks any address a server echoed', () => {
    const error = Object.assign(new Error('Recipient command failed: 550 5.1.1 <bounce@example.com>:\n mailbox unavailable'), { responseCode: 550 });
    const text = describeError(error);
    expect(text).toMatch(/^Recipient command failed: 550 5\.1\.1 <b\*+@example\.com>: mailbox unavailable$/);
    expect(text).not.toContain('bounce@');
  });
});

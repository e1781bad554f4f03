import { DEFAULT_TEMPLATES, PREVIEW_VALUES, renderEmail, renderSms, templateProblems, validateTemplate } from './template-language';

describe('template language', () => {
  it('names every unknown variable and an unbalanced brace', () => {
    expect(templateProblems('Hi {{ order.number }} {{buyer.name}} {{cards}}', 'body')).toEqual([
      expect.stringMatching(/^body: unknown variable \{\{buyer\.name\}\}/),
    ]);
    expect(templateProblems('Hi {{order.number', 'body')).toEqual(['body: unbalanced {{ or }}']);
    expect(templateProblems('Hi {{order.number}}', 'body')).toEqual([]);
  });

  it('asks an email for a one-line subject and an SMS for cards or the link', () => {
    expect(validateTemplate('email', { subject: null, body: '{{cards}}' })).toEqual(['subject: an email needs a subject']);
    expect(validateTemplate('sms', { subject: null, body: 'hello' })).toEqual(['body: an SMS must contain {{cards}} or {{pickupLink}}']);
    for (const channel of ['email', 'sms'] as const) {
      for (const locale of ['en', 'zh-CN'] as const) expect(validateTemplate(channel, DEFAULT_TEMPLATES[channel][locale])).toEqual([]);
    }
  });

  it('renders text and escaped HTML with the cards and the link', () => {
    const values = { ...PREVIEW_VALUES, product: { id: 'p', title: '<b>Gift</b> & co' } };
    const email = renderEmail({ subject: 'Order {{order.number}}', body: '{{product.title}}\n{{cards}}\n\n{{pickupLink}}' }, values, 'en');
    expect(email.subject).toBe('Order LD20250301000123');
    expect(email.text).toContain('XXXX-XXXX-XXXX-0001 (password: example-password)');
    expect(email.text).toContain('<b>Gift</b> & co');
    expect(email.html).toContain('&lt;b&gt;Gift&lt;/b&gt; &amp; co');
    expect(email.html).toContain('<code>XXXX-XXXX-XXXX-0002</code>');
    expect(email.html).toContain('<a href="https://cards.example.com/pickup/example-link">');
    expect(renderSms(DEFAULT_TEMPLATES.sms['zh-CN'], values, 'zh-CN')).toBe(
      '订单LD20250301000123卡密：XXXX-XXXX-XXXX-0001 (密码: example-password); XXXX-XXXX-XXXX-0002。查看：https://cards.example.com/pickup/example-link',
    );
  });
});

import { generateKeyPairSync } from 'node:crypto';
import { AlipayProvider, alipayPublicKey, beijingTime, signedContent, yuanToFen } from './alipay-provider';
import { ALIPAY_APP_ID, fakeAlipay, paidTrade } from './alipay.fixture';
import { InvalidCallbackBody } from './payment-provider';

const alipay = fakeAlipay();
const provider = new AlipayProvider(ALIPAY_APP_ID, alipay.publicKeyBase64);

function readReason(form: string): string {
  try {
    provider.read(Buffer.from(form));
  } catch (error) {
    if (error instanceof InvalidCallbackBody) return error.message;
    throw error;
  }
  throw new Error('expected the notification to be refused');
}

describe('yuanToFen', () => {
  it.each([
    ['97.00', 9_700],
    ['97', 9_700],
    ['97.5', 9_750],
    ['0.01', 1],
    ['123456789012.99', 12_345_678_901_299],
  ])('%s yuan is %d fen', (yuan, fen) => {
    expect(yuanToFen(yuan)).toBe(fen);
  });

  it.each(['', '-1.00', '1.234', '01.00', '1e3', '97.00 ', 'abc'])('refuses %j', (yuan) => {
    expect(yuanToFen(yuan)).toBeUndefined();
  });
});

describe('beijingTime', () => {
  it('reads gmt_payment as Beijing time', () => {
    expect(beijingTime('2025-03-01 10:01:00')).toBe('2025-03-01T10:01:00+08:00');
    expect(beijingTime('2025-03-01T10:01:00')).toBeUndefined();
  });
});

describe('signedContent', () => {
  it('sorts the decoded parameters by name and leaves out sign, sign_type and empty values', () => {
    const params = new URLSearchParams('total_amount=97.00&sign=abc&app_id=2021&sign_type=RSA2&body=&subject=Steam+%E5%85%85%E5%80%BC%E5%8D%A1');
    expect(signedContent(params)).toBe('app_id=2021&subject=Steam 充值卡&total_amount=97.00');
  });
});

describe('alipayPublicKey', () => {
  it('takes the key as the Alipay console shows it (bare base64) or as PEM', () => {
    expect(alipayPublicKey(alipay.publicKeyBase64).asymmetricKeyType).toBe('rsa');
    expect(alipayPublicKey(alipay.publicKeyPem).asymmetricKeyType).toBe('rsa');
    expect(() => alipayPublicKey('not a key')).toThrow();
  });
});

describe('AlipayProvider', () => {
  it('accepts a notification signed with RSA2 by Alipay for our application', () => {
    expect(provider.signatureProblem(Buffer.from(alipay.notification(paidTrade())))).toBeUndefined();
  });

  it('refuses a changed parameter, another signer, another application and another signature type', () => {
    const tampered = alipay.notification(paidTrade()).replace('total_amount=97.00', 'total_amount=0.01');
    expect(provider.signatureProblem(Buffer.from(tampered))).toBe('sign does not match the parameters');
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    expect(provider.signatureProblem(Buffer.from(alipay.notification(paidTrade(), stranger)))).toBe('sign does not match the parameters');
    expect(provider.signatureProblem(Buffer.from(alipay.notification(paidTrade({ app_id: '2021000999999999' }))))).toBe('app_id is not this merchant application');
    expect(provider.signatureProblem(Buffer.from(alipay.notification({ ...paidTrade(), sign_type: 'RSA' })))).toBe('sign_type must be RSA2');
    expect(provider.signatureProblem(Buffer.from(new URLSearchParams(paidTrade()).toString()))).toBe('missing parameter: sign');
  });

  it('reads a successful trade as PaymentReceived in fen and Beijing time', () => {
    expect(provider.read(Buffer.from(alipay.notification(paidTrade())))).toEqual({
      kind: 'paid',
      payment: {
        provider: 'alipay',
        tradeNo: '2025030122001400000000000001',
        shopOrderId: 'LD20250301000123',
        amount: 9_700,
        currency: 'CNY',
        payerAccount: '159****5620',
        paidAt: '2025-03-01T10:01:00+08:00',
      },
    });
    expect(provider.read(Buffer.from(alipay.notification(paidTrade({ trade_status: 'TRADE_FINISHED' }))))).toMatchObject({ kind: 'paid' });
  });

  it('reads a trade that is waiting or closed as not paid', () => {
    expect(provider.read(Buffer.from(alipay.notification(paidTrade({ trade_status: 'WAIT_BUYER_PAY' }))))).toEqual({
      kind: 'not-paid',
      tradeNo: '2025030122001400000000000001',
      status: 'WAIT_BUYER_PAY',
    });
    expect(provider.read(Buffer.from(alipay.notification(paidTrade({ trade_status: 'TRADE_CLOSED' }))))).toMatchObject({ kind: 'not-paid' });
  });

  it('names the parameter that breaks the rules', () => {
    expect(readReason(alipay.notification(paidTrade({ total_amount: '97.001' })))).toBe('total_amount: expected yuan with up to two decimals, e.g. 97.00');
    expect(readReason(alipay.notification(paidTrade({ gmt_payment: 'yesterday' })))).toBe('gmt_payment: expected yyyy-MM-dd HH:mm:ss');
    expect(readReason(alipay.notification(paidTrade({ out_trade_no: '' })))).toMatch(/^out_trade_no: /);
    expect(readReason(alipay.notification(paidTrade({ trade_no: '' })))).toBe('trade_no: required');
  });

  it('answers exactly "success", which is what stops Alipay retrying', () => {
    expect(provider.reply()).toEqual({ contentType: 'text/plain', body: 'success' });
  });
});

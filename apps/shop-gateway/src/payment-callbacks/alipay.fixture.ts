import { createSign, generateKeyPairSync } from 'node:crypto';
import { signedContent } from './alipay-provider';

/** Plays Alipay in tests: its key pair and its signed asynchronous notifications. */
export function fakeAlipay() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicKeyBase64 = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');

  function notification(fields: Record<string, string>, signWith = privateKey): string {
    const params = new URLSearchParams({ charset: 'utf-8', version: '1.0', sign_type: 'RSA2', notify_type: 'trade_status_sync', ...fields });
    const signer = createSign('RSA-SHA256');
    signer.update(signedContent(params), 'utf8');
    params.set('sign', signer.sign(signWith, 'base64'));
    return params.toString();
  }

  return { publicKeyBase64, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), notification };
}

export const ALIPAY_APP_ID = '2021000123456789';

export function paidTrade(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    notify_time: '2025-03-01 10:01:05',
    notify_id: 'ac05099524730693a8b330c5ecf72da9786',
    app_id: ALIPAY_APP_ID,
    trade_no: '2025030122001400000000000001',
    out_trade_no: 'LD20250301000123',
    trade_status: 'TRADE_SUCCESS',
    total_amount: '97.00',
    receipt_amount: '97.00',
    buyer_logon_id: '159****5620',
    gmt_payment: '2025-03-01 10:01:00',
    subject: 'Steam 充值卡 50 元 ×2',
    ...overrides,
  };
}

import { createPublicKey, createVerify, type KeyObject } from 'node:crypto';
import { ContractViolation, PaymentReceived, validateEventData } from '@cardlink/contracts';
import { InboundRejected } from '../inbound/inbound-request';
import { InvalidCallbackBody, type CallbackReading, type CallbackReply, type PaymentProviderAdapter } from './payment-provider';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Trade states Alipay reports; only the first two mean the buyer paid. */
const PAID_STATES = new Set(['TRADE_SUCCESS', 'TRADE_FINISHED']);

/** Alipay amounts are yuan with up to two decimals, e.g. "97.00". */
const YUAN = /^(0|[1-9][0-9]{0,11})(?:\.([0-9]{1,2}))?$/;

/** Converts a yuan string to fen without floating point. */
export function yuanToFen(amount: string): number | undefined {
  const match = YUAN.exec(amount);
  if (!match) return undefined;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

/** Alipay's `gmt_payment` is Beijing time without an offset: "2025-03-01 10:01:00". */
export function beijingTime(value: string): string | undefined {
  const match = /^([0-9]{4}-[0-9]{2}-[0-9]{2}) ([0-9]{2}:[0-9]{2}:[0-9]{2})$/.exec(value);
  return match ? `${match[1]}T${match[2]}+08:00` : undefined;
}

/**
 * The string Alipay signs: every parameter except `sign` and `sign_type`,
 * URL-decoded, empty ones left out, sorted by name, joined as k=v&k=v.
 */
export function signedContent(params: URLSearchParams): string {
  return [...params.entries()]
    .filter(([name, value]) => name !== 'sign' && name !== 'sign_type' && value !== '')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/** Alipay's console shows the public key as bare base64 (SPKI DER); PEM is accepted too. */
export function alipayPublicKey(key: string): KeyObject {
  const pem = key.includes('-----BEGIN')
    ? key
    : `-----BEGIN PUBLIC KEY-----\n${(key.replace(/\s+/g, '').match(/.{1,64}/g) ?? []).join('\n')}\n-----END PUBLIC KEY-----\n`;
  return createPublicKey(pem);
}

function formOf(body: Buffer): URLSearchParams {
  try {
    return new URLSearchParams(utf8.decode(body));
  } catch {
    throw new InboundRejected('rejected_body', 'the body is not valid UTF-8');
  }
}

/**
 * Alipay's asynchronous notification (异步通知): a form POST signed with RSA2
 * (SHA256withRSA) over the sorted parameters, verified with Alipay's public
 * key; the notification must be for our app id. Alipay retries until the reply
 * is exactly `success`, for about 25 hours.
 */
export class AlipayProvider implements PaymentProviderAdapter {
  readonly name = 'alipay';
  readonly mediaType = 'application/x-www-form-urlencoded';
  private readonly publicKey: KeyObject;

  constructor(
    private readonly appId: string,
    publicKey: string,
  ) {
    this.publicKey = alipayPublicKey(publicKey);
  }

  signatureProblem(body: Buffer): string | undefined {
    const params = formOf(body);
    const signature = params.get('sign');
    if (!signature) return 'missing parameter: sign';
    if (params.get('sign_type') !== 'RSA2') return 'sign_type must be RSA2';
    const verifier = createVerify('RSA-SHA256');
    verifier.update(signedContent(params), 'utf8');
    if (!verifier.verify(this.publicKey, signature, 'base64')) return 'sign does not match the parameters';
    if (params.get('app_id') !== this.appId) return 'app_id is not this merchant application';
    return undefined;
  }

  read(body: Buffer): CallbackReading {
    const params = formOf(body);
    const field = (name: string) => params.get(name) ?? undefined;
    const tradeNo = field('trade_no');
    const status = field('trade_status');
    if (!tradeNo) throw new InvalidCallbackBody('trade_no: required');
    if (!status) throw new InvalidCallbackBody('trade_status: required');
    if (!PAID_STATES.has(status)) return { kind: 'not-paid', tradeNo, status };
    const totalAmount = field('total_amount') ?? '';
    const amount = yuanToFen(totalAmount);
    if (amount === undefined) throw new InvalidCallbackBody('total_amount: expected yuan with up to two decimals, e.g. 97.00');
    const gmtPayment = field('gmt_payment');
    const paidAt = gmtPayment ? beijingTime(gmtPayment) : undefined;
    if (!paidAt) throw new InvalidCallbackBody('gmt_payment: expected yyyy-MM-dd HH:mm:ss');
    try {
      const payment = validateEventData(PaymentReceived, {
        provider: this.name,
        tradeNo,
        shopOrderId: field('out_trade_no'),
        amount,
        currency: 'CNY',
        payerAccount: field('buyer_logon_id'),
        paidAt,
      });
      return { kind: 'paid', payment };
    } catch (error) {
      if (error instanceof ContractViolation) {
        throw new InvalidCallbackBody(error.issues.map((issue) => issue.replace(/^shopOrderId:/, 'out_trade_no:').replace(/^payerAccount:/, 'buyer_logon_id:')).join('; '));
      }
      throw error;
    }
  }

  /** The same for every outcome: accepted, duplicate or ignored, Alipay must stop retrying. */
  reply(): CallbackReply {
    return { contentType: 'text/plain', body: 'success' };
  }
}

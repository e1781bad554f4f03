import { HttpEngine, resolveRetryPolicy, type CallOptions, type HttpEngineHooks, type RetryPolicy } from './http-engine';
import { SmsAccepted } from './shop-types';

export interface SmsProviderClientOptions extends Partial<RetryPolicy>, HttpEngineHooks {
  baseUrl: string;
  apiKey: string;
}

/**
 * The SMS provider: `POST /sms/messages` with a static API key. The same
 * retry manners as the shop; a 400 (`invalid_number`) is permanent and fails
 * at once.
 */
export class SmsProviderClient {
  private readonly engine: HttpEngine;
  private readonly authorizer: { authorization: () => Promise<string> };

  constructor(options: SmsProviderClientOptions) {
    this.engine = new HttpEngine(options.baseUrl, resolveRetryPolicy(options), options);
    const authorization = `Bearer ${options.apiKey}`;
    this.authorizer = { authorization: () => Promise.resolve(authorization) };
  }

  /** Pass an idempotency key derived from your delivery attempt so a retry after a crash sends one message. */
  sendSms(to: string, text: string, options: CallOptions = {}): Promise<SmsAccepted> {
    return this.engine.request({ ...options, method: 'POST', path: '/sms/messages', json: { to, text }, schema: SmsAccepted, authorizer: this.authorizer });
  }
}

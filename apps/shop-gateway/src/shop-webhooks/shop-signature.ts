import { Webhook, WebhookVerificationError } from 'standardwebhooks';

const TOLERANCE_SECONDS = 300;
const utf8 = new TextDecoder('utf-8', { fatal: true });
const SIGNATURE_HEADERS = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const;

export type SignatureHeaders = Partial<Record<(typeof SIGNATURE_HEADERS)[number], string>>;

export type SignatureCheck =
  | { valid: true; webhookId: string }
  | { valid: false; outcome: 'rejected_signature' | 'rejected_timestamp'; reason: string };

/**
 * Checks a shop webhook by the Standard Webhooks scheme: HMAC-SHA256 over
 * `id.timestamp.body`, constant-time compare, 300 s clock tolerance either way
 * (all done by the `standardwebhooks` library). During a key rotation the shop
 * may sign with any of the configured secrets.
 */
export class ShopSignature {
  private readonly keys: Webhook[];

  constructor(secrets: readonly string[]) {
    if (secrets.length === 0) throw new Error('at least one shop webhook secret is needed');
    this.keys = secrets.map((secret) => new Webhook(secret));
  }

  check(body: Buffer, headers: SignatureHeaders): SignatureCheck {
    const webhookId = headers['webhook-id'];
    const missing = SIGNATURE_HEADERS.filter((name) => !headers[name]);
    if (!webhookId || missing.length) return { valid: false, outcome: 'rejected_signature', reason: `missing header(s): ${missing.join(', ')}` };
    // The library signs the body's text: invalid UTF-8 bytes decode to U+FFFD, so other bytes (a literal U+FFFD) would verify too.
    try {
      utf8.decode(body);
    } catch {
      return { valid: false, outcome: 'rejected_signature', reason: 'the body is not valid UTF-8, so no signature can cover it exactly' };
    }
    for (const key of this.keys) {
      try {
        key.verify(body, headers as Record<string, string>, { jsonParse: false });
        return { valid: true, webhookId };
      } catch (error) {
        if (!(error instanceof WebhookVerificationError)) throw error;
        const refusal = describe(error.message);
        if (refusal) return refusal;
      }
    }
    return { valid: false, outcome: 'rejected_signature', reason: 'webhook-signature matches none of the shop secrets' };
  }
}

/** The library's verdicts, in words for the sender; undefined when another secret may still match. */
function describe(message: string): Extract<SignatureCheck, { valid: false }> | undefined {
  switch (message) {
    case 'Message timestamp too old':
      return { valid: false, outcome: 'rejected_timestamp', reason: `stale: webhook-timestamp is more than ${TOLERANCE_SECONDS} s in the past` };
    case 'Message timestamp too new':
      return { valid: false, outcome: 'rejected_timestamp', reason: `future: webhook-timestamp is more than ${TOLERANCE_SECONDS} s ahead` };
    case 'Invalid Signature Headers':
      return { valid: false, outcome: 'rejected_timestamp', reason: 'webhook-timestamp must be Unix time in seconds' };
    case 'No matching signature found':
      return undefined;
    default:
      return { valid: false, outcome: 'rejected_signature', reason: 'webhook signature headers are invalid' };
  }
}

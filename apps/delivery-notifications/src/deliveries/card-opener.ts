import type { KeyObject } from 'node:crypto';
import type { SealedSecret } from '@cardlink/contracts';
import { openSealed } from '@cardlink/card-crypto';
import type { CardView } from '../templates/template-language';

/** The only place delivery-notifications opens sealed secrets; the result lives in memory for one send or one page. */
export class CardOpener {
  constructor(private readonly privateKey: KeyObject) {}

  open(sealed: SealedSecret): CardView {
    const text = openSealed(sealed, this.privateKey);
    let value: { code?: unknown; password?: unknown };
    try {
      value = JSON.parse(text) as { code?: unknown; password?: unknown };
    } catch {
      // JSON.parse quotes its input in the message, and the input is a secret.
      throw new Error('a sealed card secret is not valid JSON');
    }
    if (typeof value.code !== 'string') throw new Error('a sealed card secret has no code');
    return typeof value.password === 'string' ? { code: value.code, password: value.password } : { code: value.code };
  }
}

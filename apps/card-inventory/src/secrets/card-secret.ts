/**
 * What a merchant sells as one card: a code, often with a password. This
 * JSON form is what is encrypted at rest and what the delivery service finds
 * inside a sealed secret.
 */
export interface CardSecret {
  code: string;
  password?: string;
}

export function encodeCardSecret(secret: CardSecret): string {
  return JSON.stringify(secret.password === undefined ? { code: secret.code } : { code: secret.code, password: secret.password });
}

export function decodeCardSecret(text: string): CardSecret {
  let value: Partial<CardSecret>;
  try {
    value = JSON.parse(text) as Partial<CardSecret>;
  } catch {
    // JSON.parse quotes the input in its message; the input is a secret.
    throw new Error('a stored card secret is not valid JSON');
  }
  if (typeof value.code !== 'string') throw new Error('a stored card secret has no code');
  return typeof value.password === 'string' ? { code: value.code, password: value.password } : { code: value.code };
}

/**
 * The text the duplicate fingerprint is taken of. NUL separates code and
 * password because it is neither whitespace (which normalisation collapses)
 * nor something a card line can contain, so `a b` and `a`+`b` stay distinct.
 */
export function fingerprintText(secret: CardSecret): string {
  return `${secret.code}\u0000${secret.password ?? ''}`;
}

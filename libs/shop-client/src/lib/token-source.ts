import { z } from 'zod';
import type { Authorizer, HttpEngine } from './http-engine';

const TokenResponse = z.object({
  access_token: z.string().min(1),
  token_type: z.string().refine((type) => type.toLowerCase() === 'bearer', 'expected a Bearer token'),
  expires_in: z.number().positive(),
});

interface CachedToken {
  authorization: string;
  expiresAt: number;
  refreshAt: number;
}

/**
 * OAuth2 client credentials: one token shared by all calls, fetched once even
 * when many calls need it at the same moment, and renewed before it expires
 * (a margin of `refreshMarginMs`, at most half the token's lifetime), so calls
 * rarely meet an expired token.
 */
export class ClientCredentialsTokenSource implements Authorizer {
  private cached?: CachedToken;
  private pending?: Promise<CachedToken>;

  constructor(
    private readonly engine: HttpEngine,
    private readonly credentials: { clientId: string; clientSecret: string },
    private readonly refreshMarginMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  async authorization(): Promise<string> {
    const cached = this.cached;
    if (cached && this.now() < cached.refreshAt) return cached.authorization;
    if (cached && this.now() < cached.expiresAt) {
      // Still valid: renew in the background and use it meanwhile.
      this.fetchOnce().catch(() => undefined);
      return cached.authorization;
    }
    return (await this.fetchOnce()).authorization;
  }

  /** The shop called this token invalid: forget it, unless a newer one already replaced it. */
  invalidate(authorization: string): void {
    if (this.cached?.authorization === authorization) this.cached = undefined;
  }

  private fetchOnce(): Promise<CachedToken> {
    this.pending ??= this.fetchToken().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async fetchToken(): Promise<CachedToken> {
    const requestedAt = this.now();
    const token = await this.engine.request({
      method: 'POST',
      path: '/oauth/token',
      form: { grant_type: 'client_credentials', client_id: this.credentials.clientId, client_secret: this.credentials.clientSecret },
      schema: TokenResponse,
      // One attempt: the call that needs the token owns the retry budget.
      maxAttempts: 1,
    });
    const lifetimeMs = token.expires_in * 1000;
    const expiresAt = requestedAt + lifetimeMs;
    const cached = { authorization: `Bearer ${token.access_token}`, expiresAt, refreshAt: expiresAt - Math.min(this.refreshMarginMs, lifetimeMs / 2) };
    this.cached = cached;
    return cached;
  }
}

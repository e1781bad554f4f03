import { issueCredential } from '../lib/credentials';

export interface TestCredential {
  name: string;
  scopes: string[];
  token: string;
  /** The `API_CREDENTIALS` entry. */
  entry: string;
  /** The value of the Authorization header. */
  authorization: string;
}

/** A fresh credential for a test; put `credentialsEnv(...)` in the service's env. */
export function testCredential(name: string, scopes: string[]): TestCredential {
  const { token, entry } = issueCredential(name, scopes);
  return { name, scopes, token, entry, authorization: `Bearer ${token}` };
}

export function credentialsEnv(...credentials: TestCredential[]): { API_CREDENTIALS: string } {
  return { API_CREDENTIALS: credentials.map((c) => c.entry).join(' ') };
}

/**
 * Issues an admin API credential: prints a new random bearer token for the
 * person or system, and the API_CREDENTIALS entry (which holds only its hash).
 *
 *   npm run auth:credential -- <name> <scope>[,<scope>...]
 */
import { CredentialFormatError, issueCredential } from '@cardlink/auth';

const [name, scopes] = process.argv.slice(2);
if (!name || !scopes) {
  console.error('usage: npm run auth:credential -- <name> <scope>[,<scope>...]   e.g. alice orders:read,orders:write');
  process.exit(64);
}
try {
  const { token, entry } = issueCredential(name, scopes.split(','));
  console.log(`token (give it to ${name}; it is shown once):\n  ${token}\n`);
  console.log(`API_CREDENTIALS entry (append, space-separated):\n  ${entry}`);
} catch (error) {
  if (!(error instanceof CredentialFormatError)) throw error;
  console.error(`cannot issue: ${error.message}`);
  process.exit(64);
}

export {
  authenticate,
  CredentialFormatError,
  hashToken,
  issueCredential,
  missingScopes,
  parseCredentials,
  type Authentication,
  type CredentialRegistry,
  type Principal,
} from './lib/credentials';
export { CREDENTIAL_REGISTRY, CurrentPrincipal, Public, RequireScopes, ScopesGuard } from './lib/scopes.guard';

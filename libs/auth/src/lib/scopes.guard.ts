import {
  type CanActivate,
  createParamDecorator,
  type ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  SetMetadata,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { authenticate, type CredentialRegistry, missingScopes, type Principal } from './credentials';

/** Injection token of the service's CredentialRegistry. */
export const CREDENTIAL_REGISTRY = 'cardlink:credential-registry';

const REQUIRED_SCOPES = 'cardlink:required-scopes';
const PUBLIC_ROUTE = 'cardlink:public-route';

/** The caller needs every one of these scopes (on a controller or a handler). */
export const RequireScopes = (...scopes: string[]) => SetMetadata(REQUIRED_SCOPES, scopes);

/** Open to anyone: signed webhooks, the buyer pickup page, health and metrics. */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

type RequestWithPrincipal = { headers: Record<string, string | string[] | undefined>; principal?: Principal };

/** The authenticated caller of a @RequireScopes route. */
export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<RequestWithPrincipal>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a route without @RequireScopes');
  return principal;
});

/**
 * Closed by default: an HTTP route answers only when it is marked @Public or
 * the bearer token's principal holds every scope of its @RequireScopes.
 * A route marked with neither is refused, so a forgotten decorator fails safe.
 */
@Injectable()
export class ScopesGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(CREDENTIAL_REGISTRY) private readonly credentials: CredentialRegistry,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    // Kafka consumers run in the same app; they are not HTTP callers.
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const required = this.reflector.getAllAndMerge<string[]>(REQUIRED_SCOPES, targets);
    const request = context.switchToHttp().getRequest<RequestWithPrincipal>();
    const header = request.headers['authorization'];
    const result = authenticate(this.credentials, Array.isArray(header) ? header[0] : header);
    if (!result.ok) {
      const message = {
        missing: 'an Authorization: Bearer <token> header is required',
        malformed: 'the Authorization header must be "Bearer <token>"',
        unknown: 'the bearer token is not valid',
      }[result.reason];
      throw new UnauthorizedException(message);
    }
    if (required.length === 0) throw new ForbiddenException('this route is not open to any scope');
    const missing = missingScopes(result.principal, required);
    if (missing.length) throw new ForbiddenException(`requires scope ${missing.join(', ')}`);
    request.principal = result.principal;
    return true;
  }
}

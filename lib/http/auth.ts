/**
 * One middleware per credential kind (SPEC section 4). Each resolves the request's tenant
 * into `request.context.tenantId` or throws AuthError; unknown and expired look the same.
 */
import type middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { AuthError } from '../errors';
import { findTenantByCredential } from '../auth/credentials';
import type { ParsedEvent } from './event';
import type { SurfaceName } from './surfaces';

export interface TenantContext extends Context {
  tenantId?: string;
}

type Request = middy.Request<ParsedEvent, unknown, unknown, TenantContext>;

/** `Token token="X"`, `Token X` or `Bearer X` (course units); `Bearer X` only (enrollment). */
export function tokenFromHeader(header: string | undefined, schemes: readonly string[]): string | undefined {
  if (!header) return undefined;
  const match = /^\s*(\w+)\s+(.+?)\s*$/.exec(header);
  if (!match || !schemes.includes(match[1]!.toLowerCase())) return undefined;
  const value = match[2]!;
  const quoted = /^token\s*=\s*"?([^",\s]*)"?/i.exec(value);
  const token = quoted && match[1]!.toLowerCase() === 'token' ? quoted[1] : value;
  return token ? token : undefined;
}

async function resolve(kind: 'units' | 'inventory' | 'bearer', token: string | undefined, request: Request) {
  if (!token) throw new AuthError('missing');
  // Bound the work an absurd header can cause; no real token is this long.
  if (token.length > 512) throw new AuthError('invalid');
  const tenantId = await findTenantByCredential(kind, token);
  if (!tenantId) throw new AuthError('invalid');
  request.context.tenantId = tenantId;
}

const authenticators: Record<SurfaceName, ((request: Request) => Promise<void>) | undefined> = {
  units: (request) =>
    resolve('units', tokenFromHeader(request.event.headers?.authorization, ['token', 'bearer']), request),
  inventory: (request) => resolve('inventory', request.event.pathParameters?.api_token, request),
  enrollment: (request) =>
    resolve('bearer', tokenFromHeader(request.event.headers?.authorization, ['bearer']), request),
  oauth: undefined,
};

/** The surface's auth middleware; none for the token endpoint itself. */
export const authenticate = (surface: SurfaceName): middy.MiddlewareObj<ParsedEvent, unknown, Error, TenantContext>[] => {
  const before = authenticators[surface];
  return before ? [{ before }] : [];
};

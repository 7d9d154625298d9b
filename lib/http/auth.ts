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

/**
 * Token characters: visible ASCII but the quote, comma and backslash, so that a broken quoted
 * string or two headers joined by API Gateway v2 (`Bearer a,Bearer b`) never parse.
 */
const bare = /^[\x21\x23-\x2B\x2D-\x5B\x5D-\x7E]+$/;
const quoted = /^token\s*=\s*"([\x21\x23-\x2B\x2D-\x5B\x5D-\x7E]+)"$/i;

/**
 * The credential of an Authorization header, exactly as SPEC section 4 documents it:
 * `Token token="X"`, `Token X` or `Bearer X` (course units); `Bearer X` (enrollment).
 * `missing`: no header, or another scheme; `malformed`: a header that is none of those (an
 * unterminated quote, `token="X"y`, `token="X "`, two headers joined).
 */
export function tokenFromHeader(header: string | undefined, schemes: readonly string[]): string | 'missing' | 'malformed' {
  if (header === undefined || header.trim() === '') return 'missing';
  const match = /^\s*([A-Za-z]+) +(.*?)\s*$/s.exec(header);
  const scheme = match?.[1]?.toLowerCase();
  if (!match || !scheme) return 'malformed';
  // Another scheme (Basic, or Token on enrollment) carries no credential of this surface.
  if (!schemes.includes(scheme)) return 'missing';
  const value = match[2]!;
  if (scheme === 'token' && /^token\s*=/i.test(value)) return quoted.exec(value)?.[1] ?? 'malformed';
  return bare.test(value) ? value : 'malformed';
}

/**
 * The one Authorization header. Two are refused, not one of them picked: API Gateway v2 joins
 * repeated headers with commas (which no token contains, so the joined value is malformed);
 * v1 events list them in `multiValueHeaders`.
 */
export function authorizationHeader(event: ParsedEvent): string | undefined | 'duplicate' {
  const multi = (event as { multiValueHeaders?: Record<string, string[] | undefined> | null }).multiValueHeaders;
  const values = multi ? Object.entries(multi).filter(([name]) => name.toLowerCase() === 'authorization').flatMap(([, v]) => v ?? []) : [];
  if (values.length > 1) return 'duplicate';
  return event.headers?.authorization;
}

function headerToken(request: Request, schemes: readonly string[]): string | 'missing' | 'malformed' {
  const header = authorizationHeader(request.event);
  return header === 'duplicate' ? 'malformed' : tokenFromHeader(header, schemes);
}

async function resolve(kind: 'units' | 'inventory' | 'bearer', token: string | undefined, request: Request) {
  if (!token || token === 'missing') throw new AuthError('missing');
  // Bound the work an absurd header can cause; no real token is this long.
  if (token === 'malformed' || token.length > 512) throw new AuthError('invalid');
  const tenantId = await findTenantByCredential(kind, token);
  if (!tenantId) throw new AuthError('invalid');
  request.context.tenantId = tenantId;
}

const authenticators: Record<SurfaceName, (request: Request) => Promise<void>> = {
  units: (request) => resolve('units', headerToken(request, ['token', 'bearer']), request),
  inventory: (request) => resolve('inventory', request.event.pathParameters?.api_token, request),
  enrollment: (request) => resolve('bearer', headerToken(request, ['bearer']), request),
  // The token endpoint authenticates clients itself (functions/auth/access-token.ts); two
  // Authorization headers are refused there too.
  oauth: async (request) => {
    if (authorizationHeader(request.event) === 'duplicate') throw new AuthError('invalid');
  },
};

/** The surface's auth middleware. */
export const authenticate = (surface: SurfaceName): middy.MiddlewareObj<ParsedEvent, unknown, Error, TenantContext>[] => [
  { before: authenticators[surface] },
];

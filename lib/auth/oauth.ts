/** OAuth 2.0 client-credentials grant (RFC 6749 section 4.4) issuing expiring bearer tokens. */
import { AuthError, RateLimitedError, ValidationError } from '../errors';
import { returnClientAttempt, takeClientAttempt } from '../tenants/repository';
import { findClient, putCredential } from './credentials';
import { hashSecret, matchesHash, newSecret } from './secrets';

export const defaultTokenSeconds = 10 * 60 * 60;

export interface TokenRequest {
  grantType?: string;
  clientId?: string;
  clientSecret?: string;
}

export interface AccessToken {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
}

/**
 * Failed client-secret checks allowed per client id and window (known or unknown ids alike):
 * 10 per 5 minutes, then 429 `slow_down` until the window ends. Settable for tests.
 */
function attemptLimit(): { limit: number; windowMs: number } {
  const limit = Number(process.env.OAUTH_MAX_FAILED_ATTEMPTS ?? 10);
  const seconds = Number(process.env.OAUTH_ATTEMPT_WINDOW_SECONDS ?? 300);
  return { limit: limit > 0 ? limit : 10, windowMs: (seconds > 0 ? seconds : 300) * 1000 };
}

// Compared against when the client id is unknown, so both failures take the same time.
const decoyHash = hashSecret(newSecret());

export async function issueAccessToken(request: TokenRequest): Promise<AccessToken> {
  const { grantType, clientId, clientSecret } = request;
  if (!grantType) throw new ValidationError('grant_type is required', { code: 'invalid_request' });
  if (grantType !== 'client_credentials') {
    throw new ValidationError(`grant_type ${grantType.slice(0, 50)} is not supported`, { code: 'unsupported_grant_type' });
  }
  if (!clientId || !clientSecret) {
    throw new ValidationError('client_id and client_secret are required', { code: 'invalid_request' });
  }
  const { limit, windowMs } = attemptLimit();
  const now = Date.now();
  const windowStart = now - (now % windowMs);
  const [client, allowed] = await Promise.all([findClient(clientId), takeClientAttempt(clientId, windowStart, windowStart + windowMs, limit)]);
  if (!allowed) {
    const wait = Math.ceil((windowStart + windowMs - now) / 1000);
    throw new RateLimitedError(`Too many failed client authentications; retry in ${wait} seconds`, wait);
  }
  const ok = matchesHash(clientSecret, client?.secretHash ?? decoyHash);
  if (!client || !ok) throw new AuthError('invalid');

  const seconds = Number(process.env.ACCESS_TOKEN_SECONDS ?? defaultTokenSeconds);
  const token = newSecret();
  await Promise.all([
    putCredential('bearer', token, client.tenantId, Date.now() + seconds * 1000),
    returnClientAttempt(clientId, windowStart),
  ]);
  return { access_token: token, token_type: 'Bearer', expires_in: seconds, scope: 'read write' };
}

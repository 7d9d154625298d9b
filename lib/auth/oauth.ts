/** OAuth 2.0 client-credentials grant (RFC 6749 section 4.4) issuing expiring bearer tokens. */
import { AuthError, ValidationError } from '../errors';
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
  const client = await findClient(clientId);
  const ok = matchesHash(clientSecret, client?.secretHash ?? decoyHash);
  if (!client || !ok) throw new AuthError('invalid');

  const seconds = Number(process.env.ACCESS_TOKEN_SECONDS ?? defaultTokenSeconds);
  const token = newSecret();
  await putCredential('bearer', token, client.tenantId, Date.now() + seconds * 1000);
  return { access_token: token, token_type: 'Bearer', expires_in: seconds, scope: 'read write' };
}

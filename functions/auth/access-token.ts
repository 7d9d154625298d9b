import * as z from 'zod';
import { issueAccessToken } from '../../lib/auth/oauth';
import { AuthError, ValidationError } from '../../lib/errors';
import { handler as httpHandler } from '../../lib/http/handler';
import * as responses from '../../lib/auth/responses';

const text = z.string().max(512).optional();

/**
 * Client credentials may also come as HTTP Basic (RFC 6749 section 2.3.1). Any other
 * Authorization header (another scheme, bad base64, no colon, bad %-escapes) is a failed
 * client authentication, never silently ignored.
 */
function basicCredentials(header: string | undefined): { clientId?: string; clientSecret?: string } {
  if (header === undefined) return {};
  const match = /^\s*Basic ([A-Za-z0-9+/]+={0,2})\s*$/i.exec(header);
  if (!match) throw new AuthError('invalid');
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw new AuthError('invalid');
  try {
    return { clientId: decodeURIComponent(decoded.slice(0, colon)), clientSecret: decodeURIComponent(decoded.slice(colon + 1)) };
  } catch {
    throw new AuthError('invalid');
  }
}

export const handler = httpHandler(
  {
    surface: 'oauth',
    output: responses.accessToken,
    input: z.object({
      body: z.object({ grant_type: text, client_id: text, client_secret: text }),
      headers: z.object({ authorization: z.string().optional() }),
    }),
  },
  async ({ body, headers }) => {
    const basic = basicCredentials(headers.authorization);
    // One authentication method per request (RFC 6749 section 2.3).
    if (basic.clientId !== undefined && (body.client_id !== undefined || body.client_secret !== undefined)) {
      throw new ValidationError('client credentials must be sent either in the Authorization header or in the body, not both', { code: 'invalid_request' });
    }
    const token = await issueAccessToken({
      grantType: body.grant_type,
      clientId: body.client_id ?? basic.clientId,
      clientSecret: body.client_secret ?? basic.clientSecret,
    });
    return { body: { ...token }, headers: { 'Cache-Control': 'no-store', Pragma: 'no-cache' } };
  },
);

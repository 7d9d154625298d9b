import * as z from 'zod';
import { issueAccessToken } from '../../lib/auth/oauth';
import { handler as httpHandler } from '../../lib/http/handler';

const text = z.string().max(512).optional();

/** Client credentials may also come as HTTP Basic (RFC 6749 section 2.3.1). */
function basicCredentials(header: string | undefined): { clientId?: string; clientSecret?: string } {
  const match = header && /^\s*Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match) return {};
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return {};
  return { clientId: decodeURIComponent(decoded.slice(0, colon)), clientSecret: decodeURIComponent(decoded.slice(colon + 1)) };
}

export const handler = httpHandler(
  {
    surface: 'oauth',
    input: z.object({
      body: z.object({ grant_type: text, client_id: text, client_secret: text }),
      headers: z.object({ authorization: z.string().optional() }),
    }),
  },
  async ({ body, headers }) => {
    const basic = basicCredentials(headers.authorization);
    const token = await issueAccessToken({
      grantType: body.grant_type,
      clientId: body.client_id ?? basic.clientId,
      clientSecret: body.client_secret ?? basic.clientSecret,
    });
    return { body: { ...token }, headers: { 'Cache-Control': 'no-store', Pragma: 'no-cache' } };
  },
);

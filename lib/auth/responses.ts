/** Success body of POST /oauth2/access_token (RFC 6749 section 5.1), for `handler({ output })`. */
import * as z from 'zod';

export const accessToken = z.object({
  access_token: z.string().min(1),
  token_type: z.literal('Bearer'),
  expires_in: z.int().positive(),
  scope: z.string(),
});

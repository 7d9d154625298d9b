/**
 * The shapes of each surface's error bodies (surfaces.ts `errorBody` and `unauthenticated`), for
 * the OpenAPI document (scripts/openapi-document.ts) and nothing else: kept apart from
 * surfaces.ts, which every function loads, so no Lambda builds these zod objects at cold start
 * (docs/PERFORMANCE.md).
 */
import * as z from 'zod';
import type { SurfaceName } from './surfaces';

export interface ErrorSchemas {
  /** The shape of `errorBody` (JSON). */
  error: z.ZodType;
  /** The shape of `unauthenticated().body`: an object schema, or a string one for text/plain. */
  unauthenticated: z.ZodType;
}

export const errorSchemas: Record<SurfaceName, ErrorSchemas> = {
  units: {
    error: z.object({ errors: z.string() }),
    unauthenticated: z.literal('HTTP Token: Access denied.\n'),
  },
  inventory: {
    error: z.object({ errors: z.array(z.string()).length(1) }),
    unauthenticated: z.object({ errors: z.array(z.literal('Invalid API token')).length(1) }),
  },
  enrollment: {
    error: z.object({ success: z.literal('false'), reason: z.string() }),
    unauthenticated: z.object({ detail: z.enum(['Authentication credentials were not provided.', 'Invalid Token.']) }),
  },
  oauth: {
    error: z.object({ error: z.string(), error_description: z.string() }),
    unauthenticated: z.object({ error: z.literal('invalid_client'), error_description: z.string() }),
  },
};

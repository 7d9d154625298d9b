/**
 * The four HTTP surfaces differ only in how they spell errors and how XML is written.
 * Everything surface-specific about HTTP lives in this one table.
 */
import * as z from 'zod';
import type { ErrorKind } from '../errors';

export type SurfaceName = 'units' | 'inventory' | 'enrollment' | 'oauth';

export interface ErrorReply {
  statusCode: number;
  headers?: Record<string, string>;
  /** An object to serialise, or a string sent as text/plain. */
  body: Record<string, unknown> | string;
}

export interface Surface {
  /** Status code for each error kind (unavailable and unauthenticated are shared). */
  status: Record<Exclude<ErrorKind, 'unauthenticated' | 'unavailable'>, number>;
  errorBody(message: string, code?: string): Record<string, unknown>;
  /** The shape of `errorBody` (JSON), for the OpenAPI document. */
  errorSchema: z.ZodType;
  unauthenticated(reason: 'missing' | 'invalid'): ErrorReply;
  /** The shape of `unauthenticated().body`: an object schema, or a string one for text/plain. */
  unauthenticatedSchema: z.ZodType;
  /**
   * How success bodies become XML; `anyRequestRoot`: an XML request body is the document
   * element's children whatever its name (Django REST framework's XMLParser), not `{root: {...}}`.
   */
  xml: { root?: string; dasherize: boolean; railsTypes: boolean; anyRequestRoot?: boolean };
}

const shared = { malformed: 400, too_large: 413, unsupported_media: 415, conflict: 409, key_reused: 422, rate_limited: 429 } as const;

export const surfaces: Record<SurfaceName, Surface> = {
  units: {
    status: { ...shared, invalid: 422, not_found: 404 },
    errorBody: (message) => ({ errors: message }),
    errorSchema: z.object({ errors: z.string() }),
    unauthenticatedSchema: z.literal('HTTP Token: Access denied.\n'),
    unauthenticated: () => ({
      statusCode: 401,
      headers: { 'WWW-Authenticate': 'Token realm="Application"' },
      body: 'HTTP Token: Access denied.\n',
    }),
    // Success bodies are the inside of <content>; Rails writes dashes and type attributes.
    xml: { root: 'content', dasherize: true, railsTypes: true },
  },
  inventory: {
    status: { ...shared, invalid: 422, not_found: 404 },
    errorBody: (message) => ({ errors: [message] }),
    errorSchema: z.object({ errors: z.array(z.string()).length(1) }),
    unauthenticatedSchema: z.object({ errors: z.array(z.literal('Invalid API token')).length(1) }),
    unauthenticated: () => ({ statusCode: 401, body: { errors: ['Invalid API token'] } }),
    // Success bodies have one key, which is the root: {inventory_unit: {...}}.
    xml: { dasherize: false, railsTypes: false },
  },
  enrollment: {
    status: { ...shared, invalid: 400, not_found: 400 },
    errorBody: (message) => ({ success: 'false', reason: message }),
    errorSchema: z.object({ success: z.literal('false'), reason: z.string() }),
    unauthenticatedSchema: z.object({ detail: z.enum(['Authentication credentials were not provided.', 'Invalid Token.']) }),
    unauthenticated: (reason) => ({
      statusCode: 401,
      headers: { 'WWW-Authenticate': 'Bearer realm="api"' },
      body: {
        detail: reason === 'missing' ? 'Authentication credentials were not provided.' : 'Invalid Token.',
      },
    }),
    // Open edX is Django REST framework: its XMLParser reads the root's children, whatever the
    // root is called (its XMLRenderer writes <root>).
    xml: { root: 'response', dasherize: false, railsTypes: false, anyRequestRoot: true },
  },
  oauth: {
    status: { ...shared, invalid: 400, not_found: 400 },
    errorBody: (message, code) => ({ error: code ?? 'invalid_request', error_description: message }),
    errorSchema: z.object({ error: z.string(), error_description: z.string() }),
    unauthenticatedSchema: z.object({ error: z.literal('invalid_client'), error_description: z.string() }),
    unauthenticated: () => ({
      statusCode: 401,
      body: { error: 'invalid_client', error_description: 'Client authentication failed.' },
    }),
    xml: { root: 'response', dasherize: false, railsTypes: false },
  },
};

/**
 * The four HTTP surfaces differ only in how they spell errors and how XML is written.
 * Everything surface-specific about HTTP lives in this one table; the zod shapes of the error
 * bodies, which only the OpenAPI document reads, are in error-schemas.ts (so no function builds
 * them at cold start).
 */
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
  unauthenticated(reason: 'missing' | 'invalid'): ErrorReply;
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
    unauthenticated: () => ({ statusCode: 401, body: { errors: ['Invalid API token'] } }),
    // Success bodies have one key, which is the root: {inventory_unit: {...}}.
    xml: { dasherize: false, railsTypes: false },
  },
  enrollment: {
    status: { ...shared, invalid: 400, not_found: 400 },
    errorBody: (message) => ({ success: 'false', reason: message }),
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
    unauthenticated: () => ({
      statusCode: 401,
      body: { error: 'invalid_client', error_description: 'Client authentication failed.' },
    }),
    xml: { root: 'response', dasherize: false, railsTypes: false },
  },
};

/**
 * In form encoding (a form body, or bracket params in the query string) `+` decodes to a space,
 * so `quantity=+5` arrives as `" 5"` and would set the stock to 5 instead of adding 5. A
 * quantity with white space around it is therefore refused (SPEC section 3, "Retries"); JSON
 * and XML bodies keep their own rules. Runs after authentication, before the handler.
 */
import type middy from '@middy/core';
import { ValidationError } from '../errors';
import { rawQuery, requestMethod, type ParsedEvent } from './event';
import { parseForm } from './form';

const formType = /^application\/x-www-form-urlencoded\s*(;|$)/i;

/** `quantity` at the top or one level down (`inventory_unit[quantity]`), with white space around it. */
function paddedQuantity(params: unknown): boolean {
  if (typeof params !== 'object' || params === null) return false;
  const values = [(params as Record<string, unknown>).quantity];
  for (const child of Object.values(params)) {
    if (typeof child === 'object' && child !== null) values.push((child as Record<string, unknown>).quantity);
  }
  return values.some((v) => typeof v === 'string' && v !== '' && v.trim() !== v);
}

export const refusePaddedFormQuantity = (): middy.MiddlewareObj<ParsedEvent> => ({
  before: (request) => {
    const { event } = request;
    const method = requestMethod(event);
    if (method !== 'PUT' && method !== 'POST') return;
    const fromForm = formType.test(event.headers?.['content-type'] ?? '') && paddedQuantity(event.body);
    if (fromForm || paddedQuantity(parseForm(rawQuery(event)))) {
      throw new ValidationError(
        'quantity must not start or end with white space: in form encoding + is a space, so send %2B5 for a relative increase of 5',
      );
    }
  },
});

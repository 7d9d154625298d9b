/** The time an invocation has left: Lambda's clock when there is one, the documented default otherwise. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { defaultTimeoutMs, remainingTimeOf } from '../../lib/deadline';
import { handler } from '../../lib/http/handler';
import { lambdaContext } from '../../scripts/lambda-context';
import { buildEvent } from '../helpers/http';

afterEach(() => {
  vi.useRealTimers();
});

describe('remainingTimeOf', () => {
  it("reads the Lambda context's clock on every call", () => {
    let left = 5_000;
    const remaining = remainingTimeOf({ getRemainingTimeInMillis: () => left });
    expect(remaining()).toBe(5_000);
    left = 1_200;
    expect(remaining()).toBe(1_200);
  });

  it('without a Lambda clock counts down from the 29 s default, never below 0', () => {
    vi.useFakeTimers();
    const remaining = remainingTimeOf({});
    expect(defaultTimeoutMs).toBe(29_000);
    expect(remaining()).toBe(29_000);
    vi.advanceTimersByTime(4_000);
    expect(remaining()).toBe(25_000);
    vi.advanceTimersByTime(60_000);
    expect(remaining()).toBe(0);
  });
});

describe('handler ctx.remainingTimeMs', () => {
  const seen = handler({ surface: 'oauth', input: z.object({}), output: z.object({ left: z.number() }) }, async (_input, ctx) => ({ body: { left: ctx.remainingTimeMs() } }));

  it('is the Lambda context time left', async () => {
    const context = { ...lambdaContext('deadline'), getRemainingTimeInMillis: () => 7_000 };
    const res = await seen(buildEvent({ method: 'GET', path: '/x' }), context);
    expect(JSON.parse(res.body)).toEqual({ left: 7_000 });
  });

  it('falls back to the default when the context has no clock', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const context: Partial<Context> = lambdaContext('deadline');
    delete context.getRemainingTimeInMillis;
    const res = await seen(buildEvent({ method: 'GET', path: '/x' }), context as Context);
    expect(JSON.parse(res.body)).toEqual({ left: defaultTimeoutMs });
  });
});

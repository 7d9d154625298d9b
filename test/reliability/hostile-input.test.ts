/**
 * Property-based hostile input (fast-check) against every endpoint, with a valid credential:
 * generated bodies (wrong types, huge arrays, deep nesting, random XML with DOCTYPE, entities,
 * CDATA and comments, random bytes, `__proto__`/`constructor` keys, unicode, 1e309, -0, NaN
 * strings), odd Content-Types, Accept headers, query strings and path ids. For every input:
 * no 5xx, an error is in the surface's shape, Object.prototype and Array.prototype are
 * untouched, and a refused request (4xx) changed no stored item. Every request completes (the
 * run is bounded); nothing here measures time.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Response } from '../helpers/http';
import { counts, invariant, reportCounts } from './support/counts';
import { loadEndpoints, sendEvent, type Endpoint } from './support/endpoints';
import { hostileRequest } from './support/hostile';
import { expectPrototypesClean } from './support/prototypes';
import { changes, snapshot } from './support/snapshot';
import { world, type World } from './support/world';

reportCounts('hostile-input');

const { endpoints, missing } = await loadEndpoints();
const numRuns = 25;

let w: World;
beforeAll(async () => {
  w = await world('hostile', { inventoryUnits: 2, codes: 5, balance: 1000 });
});

/** A 4xx body in the surface's error shape (SPEC section 3), JSON or XML. */
function expectSurfaceError(ep: Endpoint, res: Response) {
  if ((res.headers['Content-Type'] ?? '').startsWith('application/xml')) {
    expect(res.body).toMatch(/<errors>\s*<error>[^<]*<\/error>/);
  } else if (ep.surface === 'units') {
    expect(res.json).toEqual({ errors: expect.any(String) });
  } else if (ep.surface === 'inventory') {
    expect(res.json).toEqual({ errors: [expect.any(String)] });
  } else {
    expect(res.json).toEqual({ success: 'false', reason: expect.any(String) });
  }
  invariant();
}

describe('hostile input', () => {
  it('covers every HTTP function in serverless.yml', () => {
    expect(missing).toEqual([]);
  });

  it.each(endpoints.map((ep) => [ep.name, ep] as [string, Endpoint]))(
    '%s: never a 5xx, errors in the surface shape, refused requests change nothing, prototypes untouched',
    async (_name, ep) => {
      const writes = ep.method !== 'GET';
      const start = await snapshot(w, {}, [ep.surface]);
      let baseline = start;
      let refused = 0;
      await fc.assert(
        fc.asyncProperty(hostileRequest(ep, w), async (req) => {
          counts.inputs += 1;
          const res = await sendEvent(ep.handler, req.spec, req.base64Body);
          expect(res.statusCode, `${res.statusCode} ${res.body.slice(0, 300)}`).toBeLessThan(500);
          invariant();
          expectPrototypesClean();
          if (res.statusCode >= 400) {
            refused += 1;
            expectSurfaceError(ep, res);
          }
          if (!writes) return;
          // Keys the request named (asset ids, codes, course codes) are read too: a refused
          // write must not have stored anything under them.
          const named = [...new Set(req.strings)].slice(0, 20);
          const after = await snapshot(w, { assetIds: named, codes: named, courseCodes: named }, [ep.surface]);
          if (res.statusCode >= 400) {
            expect(changes(baseline, after)).toEqual([]);
            invariant();
          }
          baseline = after;
        }),
        { numRuns },
      );
      expect(refused).toBeGreaterThan(0);
      if (!writes) {
        // A read changes nothing, whatever it was sent.
        expect(changes(start, await snapshot(w, {}, [ep.surface]))).toEqual([]);
        invariant();
      }
    },
  );
});

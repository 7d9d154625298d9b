/**
 * lib/stack.ts against a real bundle: esbuild builds a small module the way serverless.yml
 * builds the functions (bundled, minified, a linked map without sources), Node loads it without
 * --enable-source-maps, and the stack of the error it throws is mapped back to the TypeScript.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { mappedStack } from '../../lib/stack';

const dir = mkdtempSync(join(tmpdir(), 'allot-stack-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('mappedStack', () => {
  it('names the TypeScript file and line of each bundled frame, and leaves other frames alone', async () => {
    writeFileSync(join(dir, 'thrower.ts'), ['export function fail(): never {', '  const reason = "broken";', '  throw new Error(reason);', '}', ''].join('\n'));
    await build({ entryPoints: [join(dir, 'thrower.ts')], outfile: join(dir, 'bundle.js'), bundle: true, minify: true, sourcemap: 'linked', sourcesContent: false, platform: 'node', format: 'cjs' });
    const { fail } = createRequire(import.meta.url)(join(dir, 'bundle.js')) as { fail: () => never };
    let stack = '';
    try {
      fail();
    } catch (err) {
      stack = (err as Error).stack!;
    }
    expect(stack).toMatch(/bundle\.js:1:\d+/); // what Node prints without --enable-source-maps
    const mapped = mappedStack(stack)!;
    expect(mapped).toMatch(/thrower\.ts:3:\d+/);
    expect(mapped).not.toMatch(/bundle\.js/);
    expect(mapped).toContain('stack.test.ts'); // this file's own frame: no map beside it, unchanged
    expect(mappedStack(undefined)).toBeUndefined();
  });
});

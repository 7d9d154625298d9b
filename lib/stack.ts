/**
 * Stack traces in the logs name `lib/...ts:line` without Node's `--enable-source-maps`, which
 * parses a bundle's source map (~0.7 MB) at every cold start (~25 ms of a ~200 ms cold require,
 * docs/PERFORMANCE.md "Cold start") for stacks that only a 5xx or a failed job ever logs. Here a
 * bundle's map is read when a stack first names it (node:module's SourceMap, Node's own parser),
 * once per warm Lambda. Frames of files without a map beside them (tests, tsx) stay as they are.
 */
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';

const maps = new Map<string, SourceMap | null>();

function mapOf(file: string): SourceMap | null {
  let map = maps.get(file);
  if (map === undefined) {
    try {
      map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')) as ConstructorParameters<typeof SourceMap>[0]);
    } catch {
      map = null; // no map beside it: not a bundle
    }
    maps.set(file, map);
  }
  return map;
}

/** `at fn (/var/task/functions/x.js:1:2345)` -> `at fn (lib/<surface>/<file>.ts:12:5)`. */
export function mappedStack(stack: string | undefined): string | undefined {
  if (!stack) return stack;
  return stack.replace(/([( ])(\/[^():\s]+\.c?js):(\d+):(\d+)/g, (frame, before: string, file: string, line: string, column: string) => {
    const entry = mapOf(file)?.findEntry(Number(line) - 1, Number(column) - 1) as { originalSource?: string; originalLine?: number; originalColumn?: number } | undefined;
    if (!entry?.originalSource || entry.originalLine === undefined) return frame;
    const source = entry.originalSource.replace(/^(?:[a-z]+:\/\/)?(?:\.\.\/)*/, '');
    return `${before}${source}:${entry.originalLine + 1}:${(entry.originalColumn ?? 0) + 1}`;
  });
}

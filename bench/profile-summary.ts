/**
 * Summarises a V8 `.cpuprofile` (node --cpu-prof) by where the code lives: self time per
 * package / folder, and the top functions. `npx tsx bench/profile-summary.ts FILE [--top N]
 * [--from FUNCTION]` (--from: only samples whose stack contains FUNCTION, e.g. the handler).
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

export function area(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : `(native) ${fn}`;
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith('node:')) return 'node built-ins';
  const m = /\/(lib|functions|bench|scripts)\/(.*)$/.exec(url);
  if (m) return m[1] === 'lib' ? `lib/${m[2]!.split('/')[0]}` : m[1]!;
  return url;
}

function main(): void {
  const [file, ...rest] = process.argv.slice(2);
  const top = Number(rest[rest.indexOf('--top') + 1] ?? 25) || 25;
  const from = rest.includes('--from') ? rest[rest.indexOf('--from') + 1] : undefined;
  const profile = JSON.parse(readFileSync(file!, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inScope = new Map<number, boolean>();
  const scoped = (id: number): boolean => {
    if (!from) return true;
    const known = inScope.get(id);
    if (known !== undefined) return known;
    const node = byId.get(id)!;
    const p = parent.get(id);
    const yes = node.callFrame.functionName === from || (p !== undefined && scoped(p));
    inScope.set(id, yes);
    return yes;
  };
  const areas = new Map<string, number>();
  const fns = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i + 1] ?? 0;
    const node = byId.get(id)!;
    const name = node.callFrame.functionName;
    if (name === '(idle)' || name === '(program)' && from) return;
    if (!scoped(id) && !(name === '(garbage collector)')) return;
    total += dt;
    const a = area(node.callFrame.url, name || '(anonymous)');
    areas.set(a, (areas.get(a) ?? 0) + dt);
    const f = `${name || '(anonymous)'} ${node.callFrame.url.split('/').slice(-2).join('/')}:${node.callFrame.lineNumber + 1}`;
    fns.set(f, (fns.get(f) ?? 0) + dt);
  });
  const pct = (v: number) => `${((100 * v) / total).toFixed(1)} %`;
  console.log(`total ${(total / 1000).toFixed(0)} ms${from ? ` (samples under ${from}, plus GC)` : ''}`);
  for (const [a, v] of [...areas].sort((x, y) => y[1] - x[1]).slice(0, top)) console.log(`${pct(v).padStart(7)}  ${a}`);
  console.log('--- functions (self)');
  for (const [f, v] of [...fns].sort((x, y) => y[1] - x[1]).slice(0, top)) console.log(`${pct(v).padStart(7)}  ${f}`);
}

if (process.argv[1]?.endsWith('profile-summary.ts')) main();

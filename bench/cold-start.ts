/**
 * Scenario 6, cold start: every function of serverless.yml (scripts/functions.ts) bundled with
 * esbuild using the options of serverless.yml `custom.esbuild` (the DynamoDB client bundled, the
 * credential fallbacks it excludes left to the runtime's SDK), then
 * - the minified bundle's size (the .js, not its source map);
 * - the wall time of a fresh Node process that requires the bundle, against a fresh Node process
 *   that requires nothing, with the NODE_OPTIONS serverless.yml gives the functions. Runs are
 *   paired per function (order alternating); the ratio is the median of the pairs' ratios.
 * The bundles go to a temporary directory and find what they exclude through NODE_PATH, as in
 * Lambda (whose NODE_PATH includes /var/runtime/node_modules). `sdk_only_ratio` is what the
 * SDK costs when loaded from node_modules instead (as before it was bundled).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { build, type BuildOptions } from 'esbuild';
import { listFunctions, type FunctionDefinition } from '../scripts/functions';
import { readServerlessYaml, repoRoot, resolveServerlessPath } from '../scripts/serverless-yml';
import { result, type Results } from './results';
import { median, round } from './stats';

/** esbuild options from serverless.yml custom.esbuild (serverless-esbuild's `exclude` = external). */
export function esbuildOptions(): BuildOptions {
  const doc = readServerlessYaml();
  const custom = (resolveServerlessPath('custom.esbuild', 'bench', doc) ?? {}) as Record<string, unknown>;
  const passThrough = ['bundle', 'minify', 'sourcemap', 'target', 'platform', 'format', 'mainFields', 'keepNames', 'define', 'loader', 'conditions', 'treeShaking', 'legalComments', 'external', 'supported', 'sourcesContent'];
  const options: Record<string, unknown> = {};
  for (const key of passThrough) if (custom[key] !== undefined) options[key] = custom[key];
  const exclude = Array.isArray(custom.exclude) ? (custom.exclude as string[]) : [];
  options.external = [...((options.external as string[] | undefined) ?? []), ...exclude.filter((e) => e !== '*')];
  // serverless-esbuild's `plugins`: a file exporting the esbuild plugins (scripts/esbuild-plugins.cjs)
  if (typeof custom.plugins === 'string') options.plugins = createRequire(resolve(repoRoot, 'package.json'))(resolve(repoRoot, custom.plugins)) as BuildOptions['plugins'];
  return options as BuildOptions;
}

function nodeOptions(): string {
  const env = resolveServerlessPath('provider.environment', 'bench') as Record<string, unknown> | undefined;
  return typeof env?.NODE_OPTIONS === 'string' ? env.NODE_OPTIONS : '';
}

/** Milliseconds for a fresh `node` that requires `path` (or nothing when empty). */
function freshNode(path: string, env: NodeJS.ProcessEnv): number {
  const start = performance.now();
  const child = spawnSync(process.execPath, ['-e', 'const p = process.argv[1]; if (p) require(p);', path], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const ms = performance.now() - start;
  if (child.status !== 0) throw new Error(`node failed to load ${path || 'nothing'}: ${child.stderr.toString()}`);
  return ms;
}

/** `timed`: how many functions get their require time measured (all are bundled and sized). */
export async function coldStart(sizes: { runs: number; timed: number }): Promise<Results> {
  const functions = listFunctions();
  const outdir = mkdtempSync(join(tmpdir(), 'allot-bench-cold-'));
  try {
    return await measure(functions, outdir, sizes);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

async function measure(functions: FunctionDefinition[], outdir: string, sizes: { runs: number; timed: number }): Promise<Results> {
  const options = esbuildOptions();
  await build({
    ...options,
    entryPoints: functions.map((f) => ({ in: f.sourcePath, out: f.name })),
    outdir,
    logLevel: 'error',
  });

  const env = { ...process.env, NODE_OPTIONS: nodeOptions(), NODE_PATH: resolve(repoRoot, 'node_modules') };
  // Rounds over all the timed functions (not all runs of one function in a row), so a burst of
  // load from other processes spreads over every function instead of landing on one.
  const timed = functions.slice(0, sizes.timed);
  const samples = new Map(timed.map((f) => [f.name, { measured: [] as number[], baseline: [] as number[], ratios: [] as number[] }]));
  for (const f of timed) freshNode(join(outdir, `${f.name}.js`), env); // file cache warm, as for every later run
  for (let i = 0; i < sizes.runs; i++) {
    for (const f of timed) {
      // one pair per function and round, its order alternating: the two see the same load
      const bundle = join(outdir, `${f.name}.js`);
      const pair: Record<string, number> = {};
      for (const loads of i % 2 === 0 ? [true, false] : [false, true]) pair[String(loads)] = freshNode(loads ? bundle : '', env);
      const s = samples.get(f.name)!;
      s.measured.push(pair.true!);
      s.baseline.push(pair.false!);
      s.ratios.push(pair.true! / pair.false!);
    }
  }
  const perFunction = Object.fromEntries(
    [...samples].map(([name, s]) => [
      name,
      { require_ms: round(median(s.measured), 1), baseline_ms: round(median(s.baseline), 1), ratio: round(median(s.ratios), 3) },
    ]),
  );

  // What Node's --enable-source-maps (read each bundle's map as it loads; the functions run
  // without it since stop 20, lib/stack.ts) would cost, on the first timed function.
  const probe = timed[0];
  const withMaps: number[] = [];
  const mapsEnv = { ...env, NODE_OPTIONS: '--enable-source-maps' };
  for (let i = 0; probe && i < sizes.runs; i++) {
    withMaps.push(freshNode(join(outdir, `${probe.name}.js`), mapsEnv) / freshNode('', mapsEnv));
  }

  const sdkPath = createRequire(resolve(repoRoot, 'package.json')).resolve('@aws-sdk/lib-dynamodb');
  const sdkRatios: number[] = [];
  for (let i = 0; i < sizes.runs; i++) sdkRatios.push(freshNode(sdkPath, env) / freshNode('', env));

  const sizesKb = Object.fromEntries(functions.map((f) => [f.name, round(statSync(join(outdir, `${f.name}.js`)).size / 1024, 1)]));
  const largest = Object.entries(sizesKb).reduce((a, b) => (b[1] > a[1] ? b : a));
  const entries = Object.entries(perFunction);
  const slowest = entries.reduce((a, b) => (b[1].ratio > a[1].ratio ? b : a));
  const build_options = { ...options, NODE_OPTIONS: nodeOptions() };
  return {
    cold_start_bundle_size: result({
      value: largest[1],
      target: 600,
      unit: 'KB',
      on: 'value',
      note: `largest minified bundle of ${functions.length} functions (${largest[0]})`,
      detail: { build_options, per_function_kb: sizesKb },
    }),
    cold_start_require: result({
      value: slowest[1].require_ms,
      baseline: slowest[1].baseline_ms,
      ratio: slowest[1].ratio,
      target: 2.5,
      unit: 'ms',
      on: 'ratio',
      note: `fresh node requiring the bundle vs one requiring nothing (medians; ratio: median of ${sizes.runs} paired runs), worst of ${entries.length} functions timed: ${slowest[0]}`,
      detail: {
        per_function: perFunction,
        sdk_only_ratio: round(median(sdkRatios), 3),
        ...(probe ? { with_enable_source_maps: { function: probe.name, ratio: round(median(withMaps), 3) } } : {}),
      },
    }),
  };
}

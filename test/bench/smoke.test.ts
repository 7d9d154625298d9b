/**
 * Keeps `npm run bench` from rotting: its --smoke mode (tiny sizes, a few iterations) must
 * run every scenario and write every figure. The figures themselves are never asserted:
 * timings belong to the bench, not to the test suite. It starts its own DynamoDB Local (as
 * `npm run bench` does): on the suite's, after the rest of a full run, it failed (stop 21) where
 * alone it passed.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { repoRoot } from '../../scripts/serverless-yml';

const scenarios = [
  'handler_overhead_p50',
  'handler_overhead_p99',
  'hot_path_cpu_p50',
  'bulk_codes',
  'bulk_assign',
  'search_read_amplification',
  'search_scans',
  'cold_start_bundle_size',
  'cold_start_require',
];

const dir = mkdtempSync(join(tmpdir(), 'allot-bench-smoke-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', 'bench', '--', ...args], {
      cwd: repoRoot,
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}

it('npm run bench -- --smoke exits 0 and writes every scenario to the results file', async () => {
  const out = join(dir, 'results.json');
  const { code, output } = await run(['--smoke', '--out', out]);
  expect(code, output).toBe(0);
  const results = JSON.parse(readFileSync(out, 'utf8')) as Record<string, Record<string, unknown>>;
  expect(Object.keys(results).sort()).toEqual([...scenarios].sort());
  for (const name of scenarios) {
    expect(Object.keys(results[name]!), name).toEqual(expect.arrayContaining(['value', 'baseline', 'ratio', 'target', 'unit']));
    expect(typeof results[name]!.value, name).toBe('number');
  }
}, 180_000);

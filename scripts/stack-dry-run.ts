/**
 * The stack layout's headroom, tried: packages the service with N more HTTP functions (default
 * 100) shaped like showInventoryUnit (its handler, role and one route each), then prints each
 * stack's resource count, template size and parameters and exits 1 when any stack passes the
 * limits test/ops/template.test.ts holds today's stacks to. The extra functions live only in a
 * temporary config beside serverless.yml (`serverless package --config`), deleted afterwards.
 *
 *   npx tsx scripts/stack-dry-run.ts [count]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readStacks } from './packaged-stacks';
import { repoRoot } from './serverless-yml';

const count = Number(process.argv[2] ?? 100);
const limits = { resources: 300, parameters: 160, outputs: 160, bytes: 800_000 };

const functionsFile = `functions/dry-run.${process.pid}.yml`;
const configFile = `serverless.dry-run-${process.pid}.yml`;
const out = mkdtempSync(join(tmpdir(), 'allot-dry-run-'));

// showInventoryUnit's block, renamed and rerouted (the YAML is copied as text: it holds !GetAtt).
const inventory = readFileSync(resolve(repoRoot, 'functions/inventory/functions.yml'), 'utf8');
const template = /^showInventoryUnit:\n(?: .*\n)+/m.exec(inventory)?.[0];
if (!template) throw new Error('functions/inventory/functions.yml has no showInventoryUnit block');
const extra = Array.from({ length: count }, (_, i) =>
  template.replace(/^showInventoryUnit:/, `dryRunFunction${i + 1}:`).replace(/path: '[^']*'/, `path: '/dry-run/${i + 1}/{id}'`),
).join('\n');
// Same file, one more include: YAML tags (!GetAtt) stay as written.
const config = readFileSync(resolve(repoRoot, 'serverless.yml'), 'utf8').replace(
  /^functions:\n/m,
  `functions:\n  - \${file(./${functionsFile})}\n`,
);

try {
  writeFileSync(resolve(repoRoot, functionsFile), extra);
  writeFileSync(resolve(repoRoot, configFile), config);
  const env: NodeJS.ProcessEnv = { ...process.env, AWS_EC2_METADATA_DISABLED: 'true', ALLOT_ESBUILD_WORK_DIR: `.esbuild-package-${process.pid}` };
  for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE']) delete env[name];
  execFileSync(process.execPath, [resolve(repoRoot, 'node_modules/serverless/bin/serverless.js'), 'package', '--config', configFile, '--stage', 'prod', '--package', out], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const { stacks, merged } = readStacks(out);
  const functions = Object.values(merged.Resources).filter((r) => r.Type === 'AWS::Lambda::Function').length;
  console.log(`${functions} functions (${count} added), ${Object.keys(merged.Resources).length} resources in ${stacks.length} stacks`);
  let over = 0;
  for (const { name, bytes, template } of stacks) {
    const figures = {
      resources: Object.keys(template.Resources).length,
      parameters: Object.keys(template.Parameters ?? {}).length,
      outputs: Object.keys(template.Outputs ?? {}).length,
      bytes,
    };
    const bad = (Object.keys(limits) as (keyof typeof limits)[]).filter((k) => figures[k] > limits[k]);
    over += bad.length;
    console.log(`${name.padEnd(24)} ${JSON.stringify(figures)}${bad.length ? `  OVER: ${bad.join(', ')}` : ''}`);
  }
  process.exitCode = over ? 1 : 0;
} finally {
  rmSync(resolve(repoRoot, functionsFile), { force: true });
  rmSync(resolve(repoRoot, configFile), { force: true });
  rmSync(out, { recursive: true, force: true });
}

/**
 * `npm run capacity [-- --small] [--only a,b] [--out FILE] [--no-cpu] [--reuse-db]`
 * (also `npm run bench -- --only capacity`): what every API call costs on real DynamoDB,
 * counted on DynamoDB Local (docs/PERFORMANCE.md, "Capacity model"). Starts its own in-memory
 * DynamoDB Local, builds the data sets, runs every scenario, prints the table and writes
 * bench/capacity.json. Exit code 1 when a scenario exceeds its budget (bench/capacity-budgets.json).
 *
 *   --small     only the scenarios npm test checks (seconds)
 *   --only      scenarios whose name starts with one of these prefixes
 *   --no-cpu    skip the unmetered CPU runs (the AWS estimate then leaves CPU out)
 *   --reuse-db  use the DynamoDB Local at DYNAMODB_ENDPOINT instead of starting one
 *   --markdown  also write the table of docs/PERFORMANCE.md (with the minimums) to this file
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeResults } from '../results';
import { startBenchDatabase } from '../env';
import { resetDb } from '../../lib/db/client';
import { setLogSink } from '../../lib/log';
import { setMetricsSink } from '../../lib/metrics';
import { repoRoot } from '../../scripts/serverless-yml';
import { formatMarkdown, formatTable } from './report';
import { readBudgets, runScenarios } from './run';

export async function capacityMain(argv = process.argv.slice(2)): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      small: { type: 'boolean', default: false },
      only: { type: 'string' },
      out: { type: 'string' },
      'no-cpu': { type: 'boolean', default: false },
      'reuse-db': { type: 'boolean', default: false },
      markdown: { type: 'string' },
    },
    allowPositionals: false,
  });
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  setLogSink(() => {});
  setMetricsSink(() => {}); // the EMF lines would drown the table
  const log = (line: string) => process.stderr.write(`[capacity] ${line}\n`);
  const started = Date.now();
  log(`${values.small ? 'small' : 'full'} run on ${availableParallelism()} cores, load ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
  const dynamo = await startBenchDatabase(values['reuse-db']);
  let results;
  try {
    results = await runScenarios({
      mode: values.small ? 'small' : 'full',
      only: values.only?.split(',').map((s) => s.trim()),
      budgets: readBudgets(),
      cpu: !values['no-cpu'],
      log,
    });
  } finally {
    resetDb();
    await dynamo.stop();
  }
  const out = resolve(values.out ?? resolve(repoRoot, 'bench', 'capacity.json'));
  writeResults(out, results as never);
  console.log(formatTable(results));
  if (values.markdown) writeFileSync(values.markdown, `${formatMarkdown(results)}\n`);
  console.log(`\n${((Date.now() - started) / 1000).toFixed(0)} s; load after ${loadavg().map((v) => v.toFixed(2)).join(' ')}; written to ${out}`);
  const exceeded = Object.entries(results).filter(([, f]) => f.met === false).map(([name]) => name);
  if (exceeded.length) console.log(`budgets exceeded: ${exceeded.join(', ')}`);
  return exceeded.length ? 1 : 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  capacityMain().then(
    (code) => process.exit(code),
    (err: Error) => {
      console.error(`capacity failed: ${err.stack ?? err.message}`);
      process.exit(1);
    },
  );
}

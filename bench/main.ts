/**
 * `npm run bench [-- --smoke] [--only a,b] [--out FILE] [--check]`: the benchmarks of SPEC
 * section 9 and docs/PERFORMANCE.md. Starts its own in-memory DynamoDB Local on a free port,
 * creates fresh tenants and data, runs each scenario after a warm-up, prints a table and
 * writes it to bench/results.json. Every figure is a ratio against a baseline measured in the
 * same run (interleaved), so it holds on a noisy machine.
 *
 *   --smoke   tiny sizes and few iterations (seconds): keeps the harness from rotting; the
 *             figures mean nothing. test/bench/smoke.test.ts runs it inside npm test.
 *   --only    scenarios to run: overhead, hot, codes, assign, search, cold (default all);
 *             `--only capacity` runs the capacity model instead (npm run capacity)
 *   --out     where to write the results (default bench/results.json)
 *   --check   exit 1 when a target is missed
 *   --reuse-db use the DynamoDB Local at DYNAMODB_ENDPOINT instead of starting one (the smoke
 *             test runs inside npm test, which has one running already)
 *   --explore instead of the scenarios, time the write strategies considered for the bulk
 *             scenarios (minutes; printed, written only with --out)
 */
import { cpus, loadavg, availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { bulkAssign } from './bulk-assign';
import { capacityMain } from './capacity/main';
import { bulkCodes } from './bulk-codes';
import { coldStart } from './cold-start';
import { createBenchTenant, startBenchDatabase } from './env';
import { exploreWrites } from './explore-writes';
import { handlerOverhead } from './handler-overhead';
import { hotPath } from './hot-path';
import { seedInventory, type InventoryFixture } from './inventory-data';
import { formatTable, writeResults, type Results } from './results';
import { searchScenario } from './search';
import { resetDb } from '../lib/db/client';
import { setLogSink } from '../lib/log';
import { setMetricsSink } from '../lib/metrics';
import { repoRoot } from '../scripts/serverless-yml';

const scenarioNames = ['overhead', 'hot', 'codes', 'assign', 'search', 'cold'] as const;
type Scenario = (typeof scenarioNames)[number];

const full = {
  overhead: { n: 2000, warmup: 300 },
  hot: { n: 20_000, warmup: 3000 },
  codes: { count: 10_000, warmupCount: 5000, rounds: 3, warmup: 2 },
  assign: { courses: 10, logins: 1000, warmupCourses: 5, rounds: 3, warmup: 1 },
  search: { units: 20_000, matchEvery: 100, repeat: 5 },
  cold: { runs: 9, timed: Infinity },
  explore: { count: 10_000, rounds: 2 },
};
const smoke: typeof full = {
  overhead: { n: 20, warmup: 5 },
  hot: { n: 200, warmup: 50 },
  codes: { count: 200, warmupCount: 50, rounds: 1, warmup: 1 },
  assign: { courses: 2, logins: 20, warmupCourses: 1, rounds: 1, warmup: 1 },
  search: { units: 300, matchEvery: 100, repeat: 1 },
  cold: { runs: 1, timed: 2 },
  explore: { count: 100, rounds: 1 },
};

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

function machine() {
  const [one, five, fifteen] = loadavg().map((v) => Math.round(v * 100) / 100);
  return {
    nproc: availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown',
    load: `${one} ${five} ${fifteen}`,
    node: process.version,
  };
}

function readOptions() {
  const { values } = parseArgs({
    options: {
      smoke: { type: 'boolean', default: false },
      only: { type: 'string' },
      out: { type: 'string' },
      check: { type: 'boolean', default: false },
      explore: { type: 'boolean', default: false },
      'reuse-db': { type: 'boolean', default: false },
    },
  });
  return values;
}
type Options = ReturnType<typeof readOptions>;

/** The scenarios asked for with --only (all by default); an unknown name is an error. */
function chosenScenarios(only: string | undefined): Scenario[] {
  const names = only ? only.split(',').map((s) => s.trim()) : [...scenarioNames];
  const unknown = names.filter((name) => !scenarioNames.includes(name as Scenario));
  if (unknown.length) throw new Error(`unknown scenario ${unknown.join(', ')}; known: ${scenarioNames.join(', ')}`);
  return names as Scenario[];
}

/** Scenarios 1-5, on the bench's own DynamoDB Local (or the one the environment names, --reuse-db). */
async function runDatabaseScenarios(wanted: (name: Scenario) => boolean, sizes: typeof full, reuseDb: boolean): Promise<Results> {
  const results: Results = {};
  log(reuseDb ? `using DynamoDB at ${process.env.DYNAMODB_ENDPOINT}` : 'starting DynamoDB Local (in memory)');
  const dynamo = await startBenchDatabase(reuseDb);
  try {
    const tenant = await createBenchTenant();
    // the handler scenarios show one unit; search gets its own tenant with many units
    let showFixture: InventoryFixture | undefined;
    const shown = async () => (showFixture ??= await seedInventory(tenant.tenantId, 0, 100));
    if (wanted('overhead')) {
      log('1. handler overhead');
      Object.assign(results, await handlerOverhead(tenant, await shown(), sizes.overhead));
    }
    if (wanted('hot')) {
      log('2. hot path CPU');
      Object.assign(results, await hotPath(tenant, await shown(), sizes.hot));
    }
    if (wanted('codes')) {
      log('3. bulk codes');
      Object.assign(results, await bulkCodes(tenant, sizes.codes));
    }
    if (wanted('assign')) {
      log('4. bulk assign');
      Object.assign(results, await bulkAssign(tenant, sizes.assign));
    }
    if (wanted('search')) Object.assign(results, await runSearch(sizes.search));
  } finally {
    resetDb();
    await dynamo.stop();
  }
  return results;
}

async function runSearch(sizes: typeof full.search): Promise<Results> {
  log(`5. search: seeding ${sizes.units} inventory units`);
  const searchTenant = await createBenchTenant();
  const seedStart = Date.now();
  const fixture = await seedInventory(searchTenant.tenantId, sizes.units, sizes.matchEvery);
  log(`seeded in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`);
  return searchScenario(searchTenant, fixture, sizes.repeat);
}

/** Writes the results, prints the table and the machine; the exit code (--check: 1 when a target is missed). */
function report(results: Results, values: Options, out: string, before: ReturnType<typeof machine>, started: number): number {
  writeResults(out, results);
  const after = machine();
  console.log(formatTable(results));
  console.log(
    `\n${before.nproc} x ${before.cpu}; load before ${before.load}, after ${after.load}; node ${before.node}; ` +
      `${((Date.now() - started) / 1000).toFixed(0)} s${values.smoke ? ' (smoke: sizes are tiny, figures mean nothing)' : ''}`,
  );
  console.log(`written to ${out}`);
  const missed = Object.entries(results).filter(([, r]) => !r.met).map(([name]) => name);
  if (missed.length && !values.smoke) console.log(`targets missed: ${missed.join(', ')}`);
  return values.check && missed.length && !values.smoke ? 1 : 0;
}

async function main(): Promise<number> {
  const values = readOptions();
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // the capacity model is its own tool (bench/capacity/main.ts); --only capacity runs it
  if (values.only === 'capacity') return capacityMain(values.smoke ? ['--small'] : []);
  if (values.explore) return explore(values.smoke ? smoke : full, values.out);
  const only = chosenScenarios(values.only);
  const wanted = (name: Scenario) => only.includes(name);
  const sizes = values.smoke ? smoke : full;
  const out = resolve(values.out ?? resolve(repoRoot, 'bench', 'results.json'));

  // One JSON log line and one EMF metrics line per request are part of every request's work:
  // serialise them as production does, but do not print them (they would drown the table).
  setLogSink((line) => void JSON.stringify(line));
  setMetricsSink((emf) => void JSON.stringify(emf));
  const started = Date.now();
  const before = machine();
  log(`${values.smoke ? 'smoke' : 'full'} run on ${before.nproc} x ${before.cpu}, load ${before.load}, node ${before.node}`);

  const results: Results = only.some((name) => name !== 'cold') ? await runDatabaseScenarios(wanted, sizes, values['reuse-db']) : {};
  if (wanted('cold')) {
    log('6. cold start');
    Object.assign(results, await coldStart(sizes.cold));
  }
  return report(results, values, out, before, started);
}

async function explore(sizes: typeof full, out: string | undefined): Promise<number> {
  setLogSink(() => {});
  setMetricsSink(() => {});
  log(`exploring write strategies, ${sizes.explore.count} items, ${sizes.explore.rounds} rounds; load ${machine().load}`);
  const dynamo = await startBenchDatabase();
  let results: Results;
  try {
    results = await exploreWrites(await createBenchTenant(), sizes.explore);
  } finally {
    resetDb();
    await dynamo.stop();
  }
  for (const [name, r] of Object.entries(results)) {
    console.log(`\n${name}: ${r.note}`);
    for (const [strategy, v] of Object.entries(r.detail ?? {})) console.log(`  ${strategy.padEnd(48)} ${JSON.stringify(v)}`);
  }
  console.log(`\nload after ${machine().load}`);
  if (out) writeResults(resolve(out), results);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`bench failed: ${err.stack ?? err.message}`);
    process.exit(1);
  },
);

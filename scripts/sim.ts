/**
 * `npm run sim -- [--runs N | --runs-each N] [--seed=S --path=P] [--only TEXT] [--strict] [--trace] [--log] [--slow]`
 * (`--slow`: only the slow-calls property, test/sim/slow-calls.test.ts, `--runs N` of it, SIM_SLOW_RUNS):
 * the simulation harness of test/sim at length. `--runs N`: about N schedules in all, a quarter
 * per surface suite (units, inventory, enrollment, webhooks), spread evenly over its combinations of functions; `--runs-each N`: N per
 * combination (`npm test` runs 1, and 10-14 per focused combination); `--only` keeps the combinations whose name contains TEXT
 * (e.g. `--only 'assignUnits x reconcile'`); `--seed` and `--path` replay a failure exactly
 * as the failure message prints them; `--trace` prints every run's calls, `--log` the
 * handlers' log lines; `--strict` also fails on the invariants still awaiting a fix
 * (test/sim/support/sim.ts `awaitingFix`). Runs vitest on
 * test/sim with these in the environment (the harness needs vitest's DynamoDB Local and
 * module isolation) and reports how long it took.
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  options: {
    runs: { type: 'string' },
    'runs-each': { type: 'string' },
    seed: { type: 'string' },
    path: { type: 'string' },
    only: { type: 'string' },
    trace: { type: 'boolean' },
    log: { type: 'boolean' },
    strict: { type: 'boolean' },
    slow: { type: 'boolean' },
  },
  allowPositionals: true,
});

const env: Record<string, string> = { ...(process.env as Record<string, string>) };
if (values.runs) env[values.slow ? 'SIM_SLOW_RUNS' : 'SIM_TOTAL'] = values.runs;
if (values['runs-each']) env.SIM_RUNS = values['runs-each'];
if (values.seed) env.SIM_SEED = values.seed;
if (values.path) env.SIM_PATH = values.path;
if (values.only) env.SIM_ONLY = values.only;
if (values.trace) env.SIM_TRACE = '1';
if (values.log) env.SIM_LOG = '1';
if (values.strict) env.SIM_STRICT = '1';

const files = positionals.length > 0 ? positionals : [values.slow ? 'test/sim/slow-calls.test.ts' : 'test/sim'];
const started = Date.now();
const result = spawnSync('npx', ['vitest', 'run', '--passWithNoTests', ...files], { stdio: 'inherit', env });
const seconds = (Date.now() - started) / 1000;
console.info(`[sim] ${values.runs ? `about ${values.runs} runs` : values['runs-each'] ? `${values['runs-each']} runs per combination` : 'the default budget'}${values.only ? ` (only '${values.only}')` : ''}: ${seconds.toFixed(1)} s, exit ${result.status}`);
process.exit(result.status ?? 1);

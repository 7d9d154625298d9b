/**
 * Allot's CloudWatch metrics, written as EMF lines on stdout (CloudWatch extracts them from the
 * log; no API call, no extra latency). Namespace `Allot`, dimensions `service` and `function`
 * only: a tenant id is never a dimension (one metric per tenant would be unbounded cardinality);
 * it stays in the log fields.
 *
 * The request log (lib/http/log-requests.ts) publishes once per request: requests, 4xx, 5xx
 * (0 or 1 each, so sums and rates work) and latency, plus whatever business counts the handler
 * added with countMetric() during the request. POWERTOOLS_METRICS_DISABLED=true (the test run)
 * silences them, as it did Powertools Metrics (and POWERTOOLS_DEV=true when that is unset).
 *
 * Hand-written rather than Powertools Metrics (used until stop 21): the record is one fixed
 * shape (the EMF specification's `_aws` directive, one dimension set, Count/Milliseconds
 * units), and Powertools cost 18.7 % of a warm `show`'s CPU in a profile (DB stubbed; most of it
 * reading `process.env.AWS_LAMBDA_MAX_CONCURRENCY` on every access to its invocation-scoped
 * stores), plus its module load on every cold start (docs/PERFORMANCE.md). The record is the
 * one Powertools wrote (test/ops/metrics.test.ts checks it).
 */
import { FUNCTION_DIMENSION, METRICS_NAMESPACE, METRICS_SERVICE, requestMetrics } from './names';

/** Business counts, emitted by the handlers from what the domain call returned. */
export type BusinessMetric = 'unitsAssigned' | 'unitsOwed' | 'codesGenerated' | 'codesRedeemed' | 'stockAdjustments';

type Unit = 'Count' | 'Milliseconds';
type Emf = Record<string, unknown>;
let sink: ((emf: Emf) => void) | undefined;

const truthy = (value: string | undefined) => ['true', '1', 'yes', 'on', 'y'].includes((value ?? '').trim().toLowerCase());
const disabled =
  process.env.POWERTOOLS_METRICS_DISABLED !== undefined ? truthy(process.env.POWERTOOLS_METRICS_DISABLED) : truthy(process.env.POWERTOOLS_DEV);

/** The business counts added since the last publish (one invocation at a time per Lambda). */
let pending: { name: string; unit: Unit; values: number[] }[] = [];

function add(name: string, unit: Unit, value: number): void {
  const existing = pending.find((m) => m.name === name);
  if (existing) existing.values.push(value);
  else pending.push({ name, unit, values: [value] });
}

export function countMetric(name: BusinessMetric, value: number): void {
  if (value > 0) add(name, 'Count', value);
}

/** One request's metrics and the business counts added since the last publish, as one EMF record. */
export function publishRequestMetrics(functionName: string, status: number, latencyMs: number): void {
  add(requestMetrics.requests, 'Count', 1);
  add(requestMetrics.clientErrors, 'Count', status >= 400 && status < 500 ? 1 : 0);
  add(requestMetrics.serverErrors, 'Count', status >= 500 ? 1 : 0);
  add(requestMetrics.latency, 'Milliseconds', latencyMs);
  const metrics = pending;
  pending = [];
  if (disabled && !sink) return;
  const record: Emf = {
    _aws: {
      Timestamp: Date.now(),
      CloudWatchMetrics: [
        {
          Namespace: METRICS_NAMESPACE,
          Dimensions: [['service', FUNCTION_DIMENSION]],
          Metrics: metrics.map(({ name, unit }) => ({ Name: name, Unit: unit })),
        },
      ],
    },
    service: METRICS_SERVICE,
    [FUNCTION_DIMENSION]: functionName,
  };
  for (const { name, values } of metrics) record[name] = values.length === 1 ? values[0] : values;
  if (sink) sink(record);
  else process.stdout.write(`${JSON.stringify(record)}\n`);
}

/** The bench serialises metrics as production does without printing them. Returns a restore function. */
export function setMetricsSink(next: (emf: Emf) => void): () => void {
  const previous = sink;
  sink = next;
  return () => {
    sink = previous;
  };
}

/**
 * Allot's CloudWatch metrics, written as EMF lines on stdout by Powertools for AWS Lambda's
 * Metrics (CloudWatch extracts them from the log; no API call, no extra latency). Namespace
 * `Allot`, dimensions `service` and `function` only: a tenant id is never a dimension (one
 * metric per tenant would be unbounded cardinality); it stays in the log fields.
 *
 * The request middleware (lib/http/log-requests.ts) publishes once per request: requests, 4xx,
 * 5xx (0 or 1 each, so sums and rates work) and latency, plus whatever business counts the
 * handler added with countMetric() during the request. POWERTOOLS_METRICS_DISABLED=true
 * (the test run) silences them.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { FUNCTION_DIMENSION, METRICS_NAMESPACE, METRICS_SERVICE, requestMetrics } from './names';

/** Business counts, emitted by the handlers from what the domain call returned. */
export type BusinessMetric = 'unitsAssigned' | 'unitsOwed' | 'codesGenerated' | 'codesRedeemed' | 'stockAdjustments';

type Emf = Record<string, unknown>;
let sink: ((emf: Emf) => void) | undefined;

/** Hands the EMF object to the bench's sink instead of stdout when one is set. */
class AllotMetrics extends Metrics {
  override publishStoredMetrics(): this {
    if (!sink || !this.hasStoredMetrics()) return super.publishStoredMetrics();
    try {
      sink(this.serializeMetrics() as unknown as Emf);
    } finally {
      this.clearMetrics();
      this.clearDimensions();
      this.clearMetadata();
    }
    return this;
  }
}

const metrics = new AllotMetrics({ namespace: METRICS_NAMESPACE, serviceName: METRICS_SERVICE });

export function countMetric(name: BusinessMetric, value: number): void {
  if (value > 0) metrics.addMetric(name, MetricUnit.Count, value);
}

/** One request's metrics and the business counts added since the last publish, as one EMF record. */
export function publishRequestMetrics(functionName: string, status: number, latencyMs: number): void {
  metrics.addDimension(FUNCTION_DIMENSION, functionName);
  metrics.addMetric(requestMetrics.requests, MetricUnit.Count, 1);
  metrics.addMetric(requestMetrics.clientErrors, MetricUnit.Count, status >= 400 && status < 500 ? 1 : 0);
  metrics.addMetric(requestMetrics.serverErrors, MetricUnit.Count, status >= 500 ? 1 : 0);
  metrics.addMetric(requestMetrics.latency, MetricUnit.Milliseconds, latencyMs);
  metrics.publishStoredMetrics();
}

/** The bench serialises metrics as production does without printing them. Returns a restore function. */
export function setMetricsSink(next: (emf: Emf) => void): () => void {
  const previous = sink;
  sink = next;
  return () => {
    sink = previous;
  };
}

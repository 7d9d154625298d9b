/**
 * The names of Allot's own CloudWatch metrics (EMF lines, lib/metrics/index.ts), shared by the
 * code that emits them and the alarms generated for the packaged stack (scripts/stack-alarms.ts),
 * so the two cannot drift apart. Dimensions never include a tenant id (cardinality).
 */
export const METRICS_NAMESPACE = 'Allot';
/** The `service` dimension, on every metric (also the log's `service` field). */
export const METRICS_SERVICE = 'allot';
/** The dimension naming the Lambda function (its full deployed name, `allot-prod-showInventoryUnit`). */
export const FUNCTION_DIMENSION = 'function';

/** Per HTTP function: counts of requests and of 4xx/5xx answers, and the handler's latency. */
export const requestMetrics = {
  requests: 'requests',
  clientErrors: '4xx',
  serverErrors: '5xx',
  latency: 'latency',
} as const;

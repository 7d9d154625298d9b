/**
 * The CloudWatch alarms of the stack that repeat per function or per table, generated at package
 * time (scripts/stack-plugin.cjs) from what the framework compiled, so a function or table added
 * later gets its alarms without anyone copying a block. The topic they notify, the job failure
 * queue and its alarm are written once in serverless.yml. Every alarm also notifies on recovery.
 *
 * - every function: Errors >= 1 (an unhandled error; for a scheduled job, a failed run) and
 *   Throttles >= 1 in 5 minutes;
 * - every HTTP function: 5xx answers above 5 % of its requests in 2 of 3 five-minute periods,
 *   from the EMF metrics the handler factory writes (lib/metrics) - Lambda's own Errors never
 *   sees a 500 that the handler answered;
 * - every table: read + write throttle events >= 1 in 5 minutes.
 */
import { FUNCTION_DIMENSION, METRICS_NAMESPACE, METRICS_SERVICE, requestMetrics } from '../lib/metrics/names';

export interface StackFunction {
  /** The name in serverless.yml (`showInventoryUnit`). */
  name: string;
  /** Its AWS::Lambda::Function logical id (`ShowInventoryUnitLambdaFunction`). */
  logicalId: string;
  http: boolean;
}

export interface StackShape {
  functions: StackFunction[];
  /** Logical ids of the AWS::DynamoDB::Table resources. */
  tables: string[];
  /** Logical id of the SNS topic the alarms notify. */
  topic: string;
}

type Resource = { Type: 'AWS::CloudWatch::Alarm'; Properties: Record<string, unknown> };

export const thresholds = {
  periodSeconds: 300,
  /** Percent of requests answered 5xx. */
  serverErrorRatePercent: 5,
  serverErrorDatapoints: { of: 3, alarming: 2 },
} as const;

function alarm(topic: string, description: string, properties: Record<string, unknown>): Resource {
  return {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmDescription: description,
      AlarmActions: [{ Ref: topic }],
      OKActions: [{ Ref: topic }],
      // No traffic (or no throttling) writes no datapoint: that is the healthy case.
      TreatMissingData: 'notBreaching',
      ...properties,
    },
  };
}

/** A Lambda metric's sum over one period, >= 1. */
function lambdaCount(topic: string, fn: StackFunction, metric: 'Errors' | 'Throttles', what: string): Resource {
  return alarm(topic, `${fn.name}: ${what}`, {
    Namespace: 'AWS/Lambda',
    MetricName: metric,
    Dimensions: [{ Name: 'FunctionName', Value: { Ref: fn.logicalId } }],
    Statistic: 'Sum',
    Period: thresholds.periodSeconds,
    EvaluationPeriods: 1,
    Threshold: 1,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
  });
}

function emf(id: string, metricName: string, fn: StackFunction) {
  return {
    Id: id,
    ReturnData: false,
    MetricStat: {
      Metric: {
        Namespace: METRICS_NAMESPACE,
        MetricName: metricName,
        Dimensions: [
          { Name: 'service', Value: METRICS_SERVICE },
          { Name: FUNCTION_DIMENSION, Value: { Ref: fn.logicalId } },
        ],
      },
      Period: thresholds.periodSeconds,
      Stat: 'Sum',
    },
  };
}

function serverErrorRate(topic: string, fn: StackFunction): Resource {
  const { of, alarming } = thresholds.serverErrorDatapoints;
  return alarm(topic, `${fn.name}: more than ${thresholds.serverErrorRatePercent} % of requests answered 5xx`, {
    Metrics: [
      emf('failed', requestMetrics.serverErrors, fn),
      emf('requests', requestMetrics.requests, fn),
      { Id: 'rate', Label: '5xx %', Expression: '100 * FILL(failed, 0) / requests', ReturnData: true },
    ],
    EvaluationPeriods: of,
    DatapointsToAlarm: alarming,
    Threshold: thresholds.serverErrorRatePercent,
    ComparisonOperator: 'GreaterThanThreshold',
  });
}

function tableThrottles(topic: string, table: string): Resource {
  const stat = (id: string, metricName: string) => ({
    Id: id,
    ReturnData: false,
    MetricStat: {
      Metric: { Namespace: 'AWS/DynamoDB', MetricName: metricName, Dimensions: [{ Name: 'TableName', Value: { Ref: table } }] },
      Period: thresholds.periodSeconds,
      Stat: 'Sum',
    },
  });
  return alarm(topic, `${table}: throttled requests`, {
    Metrics: [
      stat('reads', 'ReadThrottleEvents'),
      stat('writes', 'WriteThrottleEvents'),
      { Id: 'throttled', Label: 'throttle events', Expression: 'FILL(reads, 0) + FILL(writes, 0)', ReturnData: true },
    ],
    EvaluationPeriods: 1,
    Threshold: 1,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
  });
}

/** The generated alarms, by logical id. */
export function alarmResources({ functions, tables, topic }: StackShape): Record<string, Resource> {
  const resources: Record<string, Resource> = {};
  for (const fn of functions) {
    const id = fn.logicalId.replace(/LambdaFunction$/, '');
    resources[`${id}ErrorsAlarm`] = lambdaCount(topic, fn, 'Errors', 'invocations failed (unhandled error, or a failed job run)');
    resources[`${id}ThrottlesAlarm`] = lambdaCount(topic, fn, 'Throttles', 'invocations throttled');
    if (fn.http) resources[`${id}ServerErrorRateAlarm`] = serverErrorRate(topic, fn);
  }
  for (const table of tables) resources[`${table}ThrottlesAlarm`] = tableThrottles(topic, table);
  return resources;
}

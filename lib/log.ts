/**
 * The request and job log: one structured JSON line each, written by Powertools for AWS Lambda's
 * Logger. Allot's own fields (requestId, function, surface, tenantId, route, status, durationMs,
 * error; a job's summary) come with Powertools' standard ones (timestamp, service, cold_start,
 * function_name, function_request_id, correlation_id, xray_trace_id...). Level from LOG_LEVEL
 * (default INFO); ALLOT_LOG=off silences it. Tokens and secrets never reach it: only the route
 * template (not the raw path, which holds the inventory token) and the tenant id are logged.
 */
import type { Context } from 'aws-lambda';
import { LogFormatter, Logger, LogItem } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';
import { METRICS_SERVICE } from './metrics/names';
import { mappedStack } from './stack';

export type LogLine = Record<string, unknown>;
type Sink = (line: LogLine) => void;

/**
 * Powertools' standard record, except `level`, kept in lower case as Allot's lines always had it
 * (log queries and the tests match `level: "error"`).
 */
class AllotLogFormatter extends LogFormatter {
  /**
   * Powertools reads `process.env.TZ` for every record (7 % of a warm show's CPU in a profile,
   * docs/PERFORMANCE.md); Lambda's TZ (`:UTC`) does not change while a process lives, so it is
   * read once here, and a non-UTC zone still goes through Powertools' own formatting.
   */
  private readonly utc = !process.env.TZ || process.env.TZ.includes('UTC');

  override formatTimestamp(now: Date): string {
    return this.utc ? now.toISOString() : super.formatTimestamp(now);
  }

  override formatAttributes(attributes: UnformattedAttributes, additional: LogAttributes): LogItem {
    const context = attributes.lambdaContext;
    return new LogItem({
      attributes: {
        level: attributes.logLevel.toLowerCase(),
        message: attributes.message,
        timestamp: this.formatTimestamp(attributes.timestamp),
        service: attributes.serviceName,
        cold_start: context?.coldStart,
        function_arn: context?.invokedFunctionArn,
        function_memory_size: context?.memoryLimitInMB,
        function_name: context?.functionName,
        function_request_id: context?.awsRequestId,
        sampling_rate: attributes.sampleRateValue,
        xray_trace_id: attributes.xRayTraceId,
      },
    }).addAttributes(additional);
  }
}

let sink: Sink | undefined;

/** Hands each finished record to the test/bench sink instead of stdout when one is set. */
class AllotLogger extends Logger {
  protected override printLog(logLevel: number, item: LogItem): void {
    if (!sink) return super.printLog(logLevel, item);
    item.prepareForPrint();
    sink(item.getAttributes());
  }
}

const configuredLevel = () => (process.env.ALLOT_LOG === 'off' ? 'SILENT' : (process.env.LOG_LEVEL ?? 'INFO').toUpperCase());

const logger = new AllotLogger({
  serviceName: METRICS_SERVICE,
  logLevel: configuredLevel() as 'INFO',
  logFormatter: new AllotLogFormatter(),
});

type Level = 'debug' | 'info' | 'warn' | 'error';
const levels: readonly Level[] = ['debug', 'info', 'warn', 'error'];

/** `level` picks the method (default info); `msg` becomes the message (and stays a field, as before); `error.stack` is source-mapped. */
export function log(line: LogLine): void {
  const { level, ...fields } = line;
  // An error's stack names the bundle's positions: mapped to lib/...ts here (lib/stack.ts).
  const error = fields.error as { stack?: string } | undefined;
  if (typeof error?.stack === 'string') fields.error = { ...error, stack: mappedStack(error.stack) };
  const method = levels.includes(level as Level) ? (level as Level) : 'info';
  logger[method](typeof fields.msg === 'string' ? fields.msg : 'request', fields);
}

/**
 * The invocation's Lambda context (cold start, function name, request id) and correlation id
 * (the API Gateway request id for HTTP) on every record until the next invocation.
 */
export function logInvocation(context: Context, correlationId?: string): void {
  logger.addContext(context);
  logger.setCorrelationId(correlationId ?? context.awsRequestId);
}

/** Tests and the bench capture log records through this. Returns a function restoring the previous sink. */
export function setLogSink(next: Sink): () => void {
  const previous = sink;
  const previousLevel = logger.getLevelName();
  sink = next;
  // The tests run with ALLOT_LOG=off; a capturing sink still wants every record.
  if (previousLevel === 'SILENT') logger.setLogLevel('INFO');
  return () => {
    sink = previous;
    logger.setLogLevel(previousLevel);
  };
}

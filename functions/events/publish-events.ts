import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { eventBridgeBus } from '../../lib/events/bus';
import { publish } from '../../lib/events/publish';
import { changeRecord, surfaceOfStream } from '../../lib/events/stream';
import { log, logInvocation } from '../../lib/log';

/**
 * The three tables' streams -> EventBridge (docs/EVENTS.md). A failed PutEvents reports the
 * first record not published; Lambda retries from it (ReportBatchItemFailures), same event ids.
 */
export const handler = async (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> => {
  logInvocation(context);
  const records = event.Records.flatMap((r) => {
    const surface = surfaceOfStream(r.eventSourceARN ?? '');
    const change = surface && changeRecord(r as never, surface);
    return change ? [change] : [];
  });
  try {
    const result = await publish(records, eventBridgeBus());
    if (result.events) log({ level: 'info', msg: 'events published', function: context.functionName, ...result });
    return { batchItemFailures: [] };
  } catch (err) {
    const failedAt = (err as { failedAt?: string }).failedAt;
    const error = err as Error;
    log({ level: 'error', msg: 'publishing failed', function: context.functionName, error: { name: error.name, message: error.message, stack: error.stack } });
    if (!failedAt) throw err;
    return { batchItemFailures: [{ itemIdentifier: failedAt }] };
  }
};

import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { AllotEvent } from '../../lib/events/envelope';
import { log, logInvocation } from '../../lib/log';
import { fanOut } from '../../lib/webhooks/fanout';

/** The bus rule's queue: each message is one EventBridge event, its `detail` an Allot event -> its deliveries. */
export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  logInvocation(context);
  const failures: { itemIdentifier: string }[] = [];
  for (const record of event.Records) {
    try {
      const { detail } = JSON.parse(record.body) as { detail: AllotEvent };
      await fanOut([detail]);
    } catch (err) {
      const error = err as Error;
      log({ level: 'error', msg: 'webhook fan-out failed', function: context.functionName, error: { name: error.name, message: error.message, stack: error.stack } });
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures: failures };
};

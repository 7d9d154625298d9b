import { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { log, logInvocation } from '../../lib/log';
import { attemptDelivery } from '../../lib/webhooks/deliver';
import type { DeliveryRef } from '../../lib/webhooks/model';

let sqs: SQSClient | undefined;

/**
 * The deliveries queue: one (event, endpoint) per message, all of a batch attempted at once (a
 * slow endpoint holds only its own attempt, up to WEBHOOK_TIMEOUT_MS). A failed attempt hides its
 * message for the backoff (ChangeMessageVisibility) and reports it failed; the receive count is
 * the attempt number, and after the queue's maxReceiveCount the message goes to the dead letters.
 */
export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  logInvocation(context);
  const queueUrl = process.env.WEBHOOK_DELIVERIES_QUEUE_URL ?? '';
  const failures = await Promise.all(event.Records.map(async (record) => {
    try {
      const ref = JSON.parse(record.body) as DeliveryRef;
      const attempt = Number(record.attributes.ApproximateReceiveCount ?? 1);
      const outcome = await attemptDelivery(ref, attempt);
      if (outcome.kind === 'done') return [];
      const seconds = outcome.kind === 'retry' ? Math.ceil(outcome.delayMs / 1000) : 0;
      sqs ??= new SQSClient({ region: process.env.AWS_REGION ?? 'us-east-1' });
      await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: record.receiptHandle, VisibilityTimeout: seconds }));
      return [{ itemIdentifier: record.messageId }];
    } catch (err) {
      const error = err as Error;
      log({ level: 'error', msg: 'webhook delivery errored', function: context.functionName, error: { name: error.name, message: error.message, stack: error.stack } });
      return [{ itemIdentifier: record.messageId }];
    }
  }));
  return { batchItemFailures: failures.flat() };
};

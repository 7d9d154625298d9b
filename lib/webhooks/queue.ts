/**
 * Where a delivery to attempt is queued. Deployed: the deliveries SQS queue
 * (WEBHOOK_DELIVERIES_QUEUE_URL, serverless.yml). Locally there is no SQS: `npm start`'s event
 * runner (scripts/event-runner.ts) takes them over loopback HTTP (WEBHOOK_LOCAL_QUEUE_URL, for the
 * handlers serverless-offline runs in its own process), and code running in the runner's own
 * process (the tests) hands them over directly (useDeliveryQueue).
 */
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { chunk } from '../db/concurrency';
import type { DeliveryRef } from './model';

export interface DeliveryQueue {
  send(refs: DeliveryRef[]): Promise<void>;
}

let override: DeliveryQueue | undefined;
let sqs: SQSClient | undefined;

/** In-process queue (the local runner); undefined puts the environment's back. */
export function useDeliveryQueue(queue: DeliveryQueue | undefined): void {
  override = queue;
}

const sqsQueue = (url: string): DeliveryQueue => ({
  async send(refs) {
    sqs ??= new SQSClient({ region: process.env.AWS_REGION ?? 'us-east-1' });
    for (const part of chunk(refs, 10)) {
      const { Failed } = await sqs.send(new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: part.map((ref, i) => ({ Id: String(i), MessageBody: JSON.stringify(ref) })),
      }));
      if (Failed?.length) throw new Error(`SQS refused ${Failed.length} deliveries: ${Failed[0]!.Code ?? ''}`);
    }
  },
});

const localHttpQueue = (url: string): DeliveryQueue => ({
  async send(refs) {
    const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(refs) });
    if (!res.ok) throw new Error(`local delivery queue answered ${res.status}`);
  },
});

export function deliveryQueue(): DeliveryQueue {
  if (override) return override;
  const local = process.env.WEBHOOK_LOCAL_QUEUE_URL;
  if (local) return localHttpQueue(local);
  const url = process.env.WEBHOOK_DELIVERIES_QUEUE_URL;
  if (!url) throw new Error('WEBHOOK_DELIVERIES_QUEUE_URL is not set');
  return sqsQueue(url);
}

/** The stack's EventBridge bus (EVENT_BUS_NAME): PutEvents, 10 entries a call, failed entries retried. */
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { chunk } from '../db/concurrency';
import { withRetry } from '../db/retry';
import { busSource, type AllotEvent } from './envelope';
import type { Bus } from './publish';

let client: EventBridgeClient | undefined;

export function entryOf(event: AllotEvent, busName: string): PutEventsRequestEntry {
  return { EventBusName: busName, Source: busSource(event), DetailType: event.type, Detail: JSON.stringify(event), Time: new Date(event.time) };
}

export function eventBridgeBus(busName = process.env.EVENT_BUS_NAME): Bus {
  if (!busName) throw new Error('EVENT_BUS_NAME is not set');
  return {
    async put(events) {
      client ??= new EventBridgeClient({ region: process.env.AWS_REGION ?? 'us-east-1' });
      for (const part of chunk(events, 10)) {
        let pending = part.map((e) => entryOf(e, busName));
        await withRetry(async () => {
          const { FailedEntryCount, Entries } = await client!.send(new PutEventsCommand({ Entries: pending }));
          if (!FailedEntryCount) return;
          pending = pending.filter((_, i) => Entries?.[i]?.ErrorCode);
          throw new Error(`EventBridge refused ${FailedEntryCount} entries: ${Entries?.find((e) => e.ErrorCode)?.ErrorCode ?? ''}`);
        }, { attempts: 5, baseMs: 100, capMs: 2000 });
      }
    },
  };
}

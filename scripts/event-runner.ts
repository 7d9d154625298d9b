/**
 * The integration events locally (`npm start`, the tests): the same code as deployed, on DynamoDB
 * Local's streams, in this process. EventBridge and SQS cannot run here, so this runner stands in
 * for the three AWS parts between the functions, and says so:
 *   - the Lambda stream trigger: polls each table's stream (GetRecords) and calls publish();
 *   - the bus and its rule: the publisher's bus hands the events straight to fanOut(), as the
 *     rule -> fan-out queue -> fanOutWebhooks would;
 *   - the deliveries queue: attemptDelivery() at once, a failed attempt retried after the same
 *     backoff (a timer instead of the message's visibility), dead after the last attempt.
 * Handlers that queue a delivery from another process (serverless-offline's redeliver) reach it
 * over loopback HTTP (`intake`, WEBHOOK_LOCAL_QUEUE_URL: lib/webhooks/queue.ts).
 * No offline plugin is used (none was tried): the stream and SQS plugins for serverless-offline
 * need an SQS emulator beside DynamoDB Local, which this project does not run (docs/EVENTS.md).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { tableName } from '../lib/db/tables';
import type { EventSurface } from '../lib/events/envelope';
import { publish, type Bus } from '../lib/events/publish';
import { changeRecord } from '../lib/events/stream';
import { attemptDelivery } from '../lib/webhooks/deliver';
import { fanOut } from '../lib/webhooks/fanout';
import type { DeliveryRef } from '../lib/webhooks/model';
import type { DeliveryQueue } from '../lib/webhooks/queue';
import { webhookSettings } from '../lib/webhooks/settings';

export interface RunnerStats {
  records: number;
  events: number;
  attempts: number;
  delivered: number;
  dead: number;
}

interface ShardCursor {
  iterator?: string;
  done: boolean;
}

export class EventRunner {
  readonly stats: RunnerStats = { records: 0, events: 0, attempts: 0, delivered: 0, dead: 0 };
  private readonly streams: DynamoDBStreamsClient;
  private readonly cursors = new Map<string, Map<string, ShardCursor>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private stopped = false;
  private loop?: Promise<void>;
  private server?: Server;
  /** Errors of the loop (logged by the caller; the loop keeps going). */
  onError: (err: unknown) => void = () => {};

  /** The deliveries queue, in process. */
  readonly queue: DeliveryQueue = { send: async (refs) => refs.forEach((ref) => this.schedule(ref, 1, 0)) };
  /** The bus and its webhook rule, in process (or the `bus` given: a test that only collects the events). */
  readonly bus: Bus;

  constructor(
    private readonly db: DynamoDBClient,
    endpoint: string,
    private readonly pollMs = 100,
    bus?: Bus,
  ) {
    this.bus = bus ?? {
      put: async (events) => {
        this.stats.events += events.length;
        await fanOut(events, this.queue);
      },
    };
    this.streams = new DynamoDBStreamsClient({ endpoint, region: process.env.AWS_REGION ?? 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  }

  /** Starts reading the streams from now on (changes made before are not published). */
  async start(): Promise<void> {
    for (const surface of ['units', 'inventory', 'enrollment'] as EventSurface[]) {
      const arn = await this.streamArn(surface);
      const shards = new Map<string, ShardCursor>();
      for (const shard of await this.shards(arn)) {
        if (shard.closed) continue;
        const { ShardIterator } = await this.streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: shard.id, ShardIteratorType: 'LATEST' }));
        shards.set(shard.id, { iterator: ShardIterator, done: false });
      }
      this.cursors.set(`${surface}|${arn}`, shards);
    }
    this.loop = this.run();
  }

  /** Loopback HTTP intake for deliveries queued by handlers of another process (redeliver under serverless-offline). */
  async listen(port = 0): Promise<string> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        try {
          void this.queue.send(JSON.parse(body) as DeliveryRef[]);
          res.writeHead(202).end();
        } catch {
          res.writeHead(400).end();
        }
      });
    });
    await new Promise<void>((done) => this.server!.listen(port, '127.0.0.1', done));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/deliveries`;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await this.loop;
    await Promise.allSettled([...this.inFlight]);
    await new Promise<void>((done) => (this.server ? this.server.close(() => done()) : done()));
    this.streams.destroy();
  }

  private async streamArn(surface: EventSurface): Promise<string> {
    const { Table } = await this.db.send(new DescribeTableCommand({ TableName: tableName(surface) }));
    if (!Table?.LatestStreamArn) throw new Error(`table ${tableName(surface)} has no stream (serverless.yml StreamSpecification)`);
    return Table.LatestStreamArn;
  }

  private async shards(arn: string): Promise<{ id: string; closed: boolean }[]> {
    const out: { id: string; closed: boolean }[] = [];
    let start: string | undefined;
    do {
      const { StreamDescription } = await this.streams.send(new DescribeStreamCommand({ StreamArn: arn, ExclusiveStartShardId: start }));
      for (const s of StreamDescription?.Shards ?? []) out.push({ id: s.ShardId!, closed: Boolean(s.SequenceNumberRange?.EndingSequenceNumber) });
      start = StreamDescription?.LastEvaluatedShardId;
    } while (start);
    return out;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let got = 0;
      for (const [key, shards] of this.cursors) {
        const [surface, arn] = key.split('|') as [EventSurface, string];
        try {
          got += await this.pollStream(surface, arn, shards);
        } catch (err) {
          this.onError(err);
        }
      }
      if (!got) await new Promise((done) => setTimeout(done, this.pollMs));
    }
  }

  /** One GetRecords per open shard; shards opened since (DynamoDB rolls them) are read from their start. */
  private async pollStream(surface: EventSurface, arn: string, shards: Map<string, ShardCursor>): Promise<number> {
    let got = 0;
    for (const [id, cursor] of shards) {
      if (cursor.done || !cursor.iterator) continue;
      let result;
      try {
        result = await this.streams.send(new GetRecordsCommand({ ShardIterator: cursor.iterator, Limit: 1000 }));
      } catch (err) {
        if (!(err instanceof ExpiredIteratorException)) throw err;
        cursor.done = true;
        continue;
      }
      const records = (result.Records ?? []).flatMap((r) => {
        const change = changeRecord(r as never, surface);
        return change ? [change] : [];
      });
      if (records.length) {
        this.stats.records += records.length;
        got += records.length;
        await publish(records, this.bus);
      }
      cursor.iterator = result.NextShardIterator;
      if (!cursor.iterator) cursor.done = true;
      void id;
    }
    if ([...shards.values()].some((c) => c.done)) {
      for (const shard of await this.shards(arn)) {
        if (shards.has(shard.id)) continue;
        const { ShardIterator } = await this.streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: shard.id, ShardIteratorType: 'TRIM_HORIZON' }));
        shards.set(shard.id, { iterator: ShardIterator, done: false });
      }
    }
    return got;
  }

  private schedule(ref: DeliveryRef, attempt: number, delayMs: number): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const work = this.attempt(ref, attempt).finally(() => this.inFlight.delete(work));
      this.inFlight.add(work);
    }, delayMs);
    this.timers.add(timer);
  }

  private async attempt(ref: DeliveryRef, attempt: number): Promise<void> {
    this.stats.attempts++;
    try {
      const outcome = await attemptDelivery(ref, attempt, webhookSettings());
      if (outcome.kind === 'done' && outcome.delivered) this.stats.delivered++;
      if (outcome.kind === 'retry') this.schedule(ref, attempt + 1, outcome.delayMs);
      if (outcome.kind === 'dead') this.stats.dead++; // deployed: the dead-letter queue and its alarm
    } catch (err) {
      this.onError(err);
      this.schedule(ref, attempt + 1, webhookSettings().backoffBaseMs);
    }
  }
}

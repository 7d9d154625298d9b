/**
 * A stand-in for the two AWS services the event functions call besides DynamoDB (EventBridge
 * PutEvents; SQS SendMessage, SendMessageBatch, ChangeMessageVisibility), for tests that run
 * those functions: AWS itself is the one thing mocked, and only here. The SDK clients reach it
 * through their standard endpoint variables (AWS_ENDPOINT_URL_EVENTBRIDGE, AWS_ENDPOINT_URL_SQS);
 * it answers in the services' JSON protocols and records each call.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeCall {
  action: string;
  input: Record<string, unknown>;
}

export class FakeAws {
  readonly calls: FakeCall[] = [];
  private server?: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const action = String(req.headers['x-amz-target'] ?? '').split('.').pop() ?? '';
        const input = body ? (JSON.parse(body) as Record<string, unknown>) : {};
        this.calls.push({ action, input });
        const md5 = (text: string) => createHash('md5').update(text).digest('hex');
        let answer: unknown = {};
        if (action === 'PutEvents') {
          const entries = (input.Entries as unknown[]) ?? [];
          answer = { FailedEntryCount: 0, Entries: entries.map((_, i) => ({ EventId: `fake-${i}` })) };
        } else if (action === 'SendMessage') {
          answer = { MessageId: 'fake', MD5OfMessageBody: md5(String(input.MessageBody)) };
        } else if (action === 'SendMessageBatch') {
          const entries = (input.Entries as { Id: string; MessageBody: string }[]) ?? [];
          answer = { Successful: entries.map((e) => ({ Id: e.Id, MessageId: `fake-${e.Id}`, MD5OfMessageBody: md5(e.MessageBody) })), Failed: [] };
        }
        res.writeHead(200, { 'Content-Type': 'application/x-amz-json-1.0' }).end(JSON.stringify(answer));
      });
    });
    await new Promise<void>((done) => this.server!.listen(0, '127.0.0.1', done));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The environment that points the SDK clients (and the functions' queue URL) at this fake. */
  env(): Record<string, string> {
    return {
      AWS_ENDPOINT_URL_EVENTBRIDGE: this.url,
      AWS_ENDPOINT_URL_SQS: this.url,
      EVENT_BUS_NAME: 'allot-test-events',
      WEBHOOK_DELIVERIES_QUEUE_URL: `${this.url}/000000000000/allot-test-webhook-deliveries`,
    };
  }

  async stop(): Promise<void> {
    await new Promise<void>((done) => (this.server ? this.server.close(() => done()) : done()));
  }
}

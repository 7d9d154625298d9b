/**
 * Every command on the webhooks' items of the tenants table (keys.ts). Callers hold the rules
 * (endpoints.ts, fanout.ts, deliver.ts); this module only stores and reads.
 */
import { BatchGetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db } from '../db/client';
import { cancellation, isConditionFailed } from '../db/conditions';
import { queryAll } from '../db/paging';
import { tenantsTable as table } from '../db/tables';
import type { Item } from '../db/types';
import type { AllotEvent } from '../events/envelope';
import { deliveriesPk, deliveryKeepSeconds, deliveryKey, deliverySk, endpointCountKey, endpointKey, endpointPrefix, endpointsPk } from './keys';
import type { Delivery, DeliveryStatus, Endpoint } from './model';

const n = (v: unknown): number | null => (v === undefined || v === null ? null : Number(String(v)));
const s = (v: unknown): string | null => (v === undefined || v === null ? null : String(v));

function endpointFrom(item: Item): Endpoint {
  return {
    id: String(item.id),
    url: String(item.url),
    event_types: [...((item.event_types as string[] | undefined) ?? [])],
    description: s(item.description),
    secret: String(item.secret),
    created_at: String(item.created_at),
  };
}

function deliveryFrom(item: Item): Delivery {
  return {
    endpoint_id: String(item.endpoint_id),
    sk: String(item.sk),
    event: JSON.parse(String(item.body)) as AllotEvent,
    status: String(item.status) as DeliveryStatus,
    attempts: n(item.attempts) ?? 0,
    last_status_code: n(item.last_status_code),
    last_error: s(item.last_error),
    last_attempt_at: s(item.last_attempt_at),
    delivered_at: s(item.delivered_at),
  };
}

/** The body as sent, byte for byte, on every attempt (the signature covers it). */
export function deliveryBody(item: Item): string {
  return String(item.body);
}

/**
 * Adds an endpoint unless the tenant has `max` already: the count and the endpoint in one
 * transaction (the cap holds however many creates run at once). false when at the cap.
 */
export async function putEndpoint(tenantId: string, e: Endpoint, max: number): Promise<boolean> {
  try {
    await db().send(new TransactWriteCommand({
      TransactItems: [
        {
          Update: {
            TableName: table(),
            Key: endpointCountKey(tenantId),
            UpdateExpression: 'ADD n :one',
            ConditionExpression: 'attribute_not_exists(n) OR n < :max',
            ExpressionAttributeValues: { ':one': 1, ':max': max },
          },
        },
        { Put: { TableName: table(), Item: { ...endpointKey(tenantId, e.id), ...e }, ConditionExpression: 'attribute_not_exists(pk)' } },
      ],
    }));
    return true;
  } catch (err) {
    if (cancellation(err)?.conditionFailedAt.includes(0)) return false;
    throw err;
  }
}

export async function listEndpoints(tenantId: string): Promise<Endpoint[]> {
  const items = await queryAll({
    TableName: table(),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
    ExpressionAttributeValues: { ':pk': endpointsPk(tenantId), ':p': endpointPrefix },
  });
  return items.map(endpointFrom);
}

/** Removes the endpoint and counts it out, in one transaction. false when the tenant has no such endpoint. */
export async function deleteEndpoint(tenantId: string, id: string): Promise<boolean> {
  try {
    await db().send(new TransactWriteCommand({
      TransactItems: [
        { Delete: { TableName: table(), Key: endpointKey(tenantId, id), ConditionExpression: 'attribute_exists(pk)' } },
        { Update: { TableName: table(), Key: endpointCountKey(tenantId), UpdateExpression: 'ADD n :minus', ExpressionAttributeValues: { ':minus': -1 } } },
      ],
    }));
    return true;
  } catch (err) {
    if (cancellation(err)?.conditionFailedAt.includes(0)) return false;
    throw err;
  }
}

export async function setSecret(tenantId: string, id: string, secret: string): Promise<Endpoint | undefined> {
  try {
    const { Attributes } = await db().send(new UpdateCommand({
      TableName: table(),
      Key: endpointKey(tenantId, id),
      UpdateExpression: 'SET secret = :s',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':s': secret },
      ReturnValues: 'ALL_NEW',
    }));
    return Attributes ? endpointFrom(Attributes) : undefined;
  } catch (err) {
    if (isConditionFailed(err)) return undefined;
    throw err;
  }
}

/** One event's delivery to one endpoint, written once (a repeated fan-out writes nothing). Its sort key. */
export async function putDeliveryIfAbsent(tenantId: string, endpointId: string, event: AllotEvent, nowMs: number): Promise<string> {
  const sk = deliverySk(event.time, event.id);
  try {
    await db().send(new PutCommand({
      TableName: table(),
      Item: {
        ...deliveryKey(tenantId, endpointId, sk),
        endpoint_id: endpointId,
        body: JSON.stringify(event),
        status: 'pending',
        attempts: 0,
        ttl: Math.floor(nowMs / 1000) + deliveryKeepSeconds,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    }));
  } catch (err) {
    if (!isConditionFailed(err)) throw err;
  }
  return sk;
}

/** The endpoint and the delivery, in one round (either may be gone: a deleted endpoint, an expired log). */
export async function getEndpointAndDelivery(tenantId: string, endpointId: string, sk: string): Promise<{ endpoint?: Endpoint; delivery?: Delivery; body?: string }> {
  const ek = endpointKey(tenantId, endpointId);
  const dk = deliveryKey(tenantId, endpointId, sk);
  const { Responses } = await db().send(new BatchGetCommand({ RequestItems: { [table()]: { Keys: [ek, dk], ConsistentRead: true } } }));
  const items = Responses?.[table()] ?? [];
  const endpoint = items.find((i) => i.pk === ek.pk && i.sk === ek.sk);
  const delivery = items.find((i) => i.pk === dk.pk && i.sk === dk.sk);
  return {
    ...(endpoint ? { endpoint: endpointFrom(endpoint) } : {}),
    ...(delivery ? { delivery: deliveryFrom(delivery), body: deliveryBody(delivery) } : {}),
  };
}

export interface AttemptResult {
  status: DeliveryStatus;
  statusCode: number | null;
  error: string | null;
  at: string;
}

/** One attempt's outcome: attempts + 1, its status code and error. */
export async function recordAttempt(tenantId: string, endpointId: string, sk: string, r: AttemptResult): Promise<void> {
  await db().send(new UpdateCommand({
    TableName: table(),
    Key: deliveryKey(tenantId, endpointId, sk),
    UpdateExpression:
      'SET #status = :status, last_status_code = :code, last_error = :error, last_attempt_at = :at' +
      (r.status === 'delivered' ? ', delivered_at = :at' : '') +
      ' ADD attempts :one',
    ConditionExpression: 'attribute_exists(pk)',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: { ':status': r.status, ':code': r.statusCode, ':error': r.error, ':at': r.at, ':one': 1 },
  })).catch((err: unknown) => {
    if (!isConditionFailed(err)) throw err; // the log expired meanwhile: nothing to record
  });
}

/** A redeliver call: back to pending (attempts kept as the log). false when there is no such delivery. */
export async function markPending(tenantId: string, endpointId: string, sk: string): Promise<Delivery | undefined> {
  try {
    const { Attributes } = await db().send(new UpdateCommand({
      TableName: table(),
      Key: deliveryKey(tenantId, endpointId, sk),
      UpdateExpression: 'SET #status = :pending',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':pending': 'pending' },
      ReturnValues: 'ALL_NEW',
    }));
    return Attributes ? deliveryFrom(Attributes) : undefined;
  } catch (err) {
    if (isConditionFailed(err)) return undefined;
    throw err;
  }
}

/** The endpoint's delivery log, newest first, one page. */
export async function listDeliveries(tenantId: string, endpointId: string, limit: number): Promise<Delivery[]> {
  const { Items } = await db().send(new QueryCommand({
    TableName: table(),
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': deliveriesPk(tenantId, endpointId) },
    ScanIndexForward: false,
    Limit: limit,
  }));
  return (Items ?? []).map(deliveryFrom);
}

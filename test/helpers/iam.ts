/**
 * DynamoDB calls as IAM authorises them, and the calls a function's IAM statements would refuse.
 * Shared by the events test (test/ops/events.test.ts: each sample event's calls) and the
 * capacity budget test (test/bench/capacity-budget.test.ts: every small capacity scenario's
 * calls, recorded by the capacity meter) and every integration test that calls a handler with
 * its route (test/helpers/http.ts `call`: the calls made in that invocation's own async
 * context), so all hold a function to the same reading of its role.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { rawDb } from '../../lib/db/client';
import { listFunctions, type FunctionDefinition } from '../../scripts/functions';

// ---------------------------------------------------------------------------------------------
// DynamoDB calls as IAM sees them: a TransactWriteItems is a PutItem/UpdateItem/DeleteItem/
// ConditionCheckItem on each item's table; a Query or Scan of an index is on the index.

export interface Call {
  action: string;
  table: string;
  index?: string;
}

type Input = Record<string, unknown> & { TableName?: string; IndexName?: string };

const transactActions: Record<string, string> = { Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', ConditionCheck: 'ConditionCheckItem', Get: 'GetItem' };

export function iamCalls(command: string, input: Input): Call[] {
  const action = command.replace(/Command$/, '');
  if (action === 'TransactWriteItems' || action === 'TransactGetItems') {
    return ((input.TransactItems ?? []) as Record<string, Input>[]).flatMap((item) =>
      Object.entries(item).map(([kind, body]) => ({ action: transactActions[kind] ?? kind, table: String(body.TableName) })),
    );
  }
  if (action === 'BatchExecuteStatement' || action === 'ExecuteStatement') {
    // PartiQL: IAM authorises each statement as PartiQLInsert/Update/Delete/Select on its table.
    const statements = (action === 'ExecuteStatement' ? [input] : (input.Statements as Input[])) as { Statement?: string }[];
    return statements.map(({ Statement = '' }) => {
      const m = /^\s*(INSERT|UPDATE|DELETE|SELECT)\b[^"]*"([^"]+)"/i.exec(Statement);
      const verb = (m?.[1] ?? '').toLowerCase();
      return { action: `PartiQL${verb.charAt(0).toUpperCase()}${verb.slice(1)}`, table: m?.[2] ?? '' };
    });
  }
  if (action === 'BatchGetItem' || action === 'BatchWriteItem') {
    return Object.keys(input.RequestItems as object).map((table) => ({ action, table }));
  }
  return [{ action, table: String(input.TableName), ...(input.IndexName ? { index: input.IndexName } : {}) }];
}

// ---------------------------------------------------------------------------------------------
// A function's iamRoleStatements (functions.yml), read as the template will hold them.

type Statement = { Effect?: string; Action?: string | string[]; Resource?: unknown };

const tableLogicalIds: Record<string, string> = {
  TENANTS_TABLE: 'TenantsTable',
  UNITS_TABLE: 'UnitsTable',
  INVENTORY_TABLE: 'InventoryTable',
  ENROLLMENT_TABLE: 'EnrollmentTable',
  IDEMPOTENCY_TABLE: 'IdempotencyTable',
};

/** `TenantsTable` for the Arn of a table, `EnrollmentTable/index/gsi1` for an index; else the raw resource. */
export function resourceName(resource: unknown): string {
  const r = resource as Record<string, unknown>;
  const getAtt = r['Fn::GetAtt'] as string[] | undefined;
  if (getAtt?.[1] === 'Arn') return getAtt[0]!;
  const sub = typeof r['Fn::Sub'] === 'string' ? /^\$\{(\w+)\.Arn\}(\/index\/[\w.-]+)$/.exec(r['Fn::Sub']) : null;
  if (sub) return `${sub[1]}${sub[2]}`;
  // The same ARN as split-stacks rewrites it for a nested stack: `${Table_Arn}/index/x` with the
  // variable bound to the table's GetAtt (or to the parameter that carries it).
  const [text, vars] = Array.isArray(r['Fn::Sub']) ? (r['Fn::Sub'] as [string, Record<string, unknown>]) : [];
  const bound = text ? /^\$\{(\w+)\}(\/index\/[\w.-]+)$/.exec(text) : null;
  if (bound && vars?.[bound[1]!] !== undefined) return `${resourceName(vars[bound[1]!])}${bound[2]}`;
  return JSON.stringify(resource);
}

export function callResource(call: Call): string {
  const envName = Object.keys(tableLogicalIds).find((name) => process.env[name] === call.table);
  const logicalId = envName ? tableLogicalIds[envName] : `unknown table ${call.table}`;
  return call.index ? `${logicalId}/index/${call.index}` : logicalId!;
}

const list = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** The calls no Allow statement covers (action and resource both). */
export function deniedCalls(raw: Record<string, unknown>[], calls: Call[]): string[] {
  const statements = raw as Statement[];
  const denied = new Set<string>();
  for (const call of calls) {
    const resource = callResource(call);
    const allowed = statements.some(
      (s) =>
        s.Effect === 'Allow' &&
        list(s.Action).includes(`dynamodb:${call.action}`) &&
        list(s.Resource).map(resourceName).includes(resource),
    );
    if (!allowed) denied.add(`dynamodb:${call.action} on ${resource}`);
  }
  return [...denied].sort();
}

// ---------------------------------------------------------------------------------------------
// The calls of one invocation: recorded in its async context, so invocations running side by
// side (concurrency tests) and the test's own set-up are told apart.

const invocation = new AsyncLocalStorage<Call[]>();
const watched = new WeakSet<DynamoDBClient>();

/** Runs `run`, recording the DynamoDB calls made in its async context (on the current shared client). */
export async function recordingCalls<T>(run: () => Promise<T>): Promise<{ result: T; calls: Call[] }> {
  const client = rawDb();
  if (!watched.has(client)) {
    watched.add(client);
    client.middlewareStack.add(
      (next, context) => async (args) => {
        invocation.getStore()?.push(...iamCalls(String(context.commandName), args.input as Input));
        return next(args);
      },
      { step: 'initialize', name: 'invocationIamRecorder', override: true },
    );
  }
  const calls: Call[] = [];
  const result = await invocation.run(calls, run);
  return { result, calls };
}

const isParam = (segment: string) => /^\{[^}+]+\}$/.test(segment);
let routes: { method: string; path: string; segments: string[]; f: FunctionDefinition }[] | undefined;
const routeList = () =>
  (routes ??= listFunctions().flatMap((f) => f.routes.map((r) => ({ method: r.method.toUpperCase(), path: r.path, segments: r.path.split('/'), f }))));

/**
 * The serverless.yml function of an HTTP route as declared (`/api/v2/{api_token}/parts/{part_id}/...`)
 * or of a concrete path (`/api/v2/<token>/parts/11/...`), matched as API Gateway matches: a template
 * with more literal segments wins over one with more `{param}` segments.
 */
export function functionOfRoute(method: string, route: string): FunctionDefinition | undefined {
  const wanted = method.toUpperCase();
  const segments = route.split('/');
  let best: { f: FunctionDefinition; literal: number } | undefined;
  for (const r of routeList()) {
    if ((r.method !== wanted && r.method !== 'ANY') || r.segments.length !== segments.length) continue;
    if (r.path === route) return r.f;
    const matches = r.segments.every((part, i) => (isParam(part) ? segments[i] !== '' : part === segments[i]));
    const literal = r.segments.filter((part) => !isParam(part)).length;
    if (matches && (!best || literal > best.literal)) best = { f: r.f, literal };
  }
  return best?.f;
}

/**
 * Counts every DynamoDB request the application makes, with a middleware on the one client it
 * uses (lib/db/client.ts), and prices it by AWS's published rules (bench/capacity/pricing.ts).
 * Sits at the `build` step, where the input is marshalled (lib-dynamodb marshals at `serialize`);
 * outputs come back unmarshalled for DocumentClient commands and are marshalled again here.
 *
 * What the response does not show (the size of an item before it was overwritten, the items a
 * FilterExpression dropped, the full item behind a ProjectionExpression) is read by SHADOW
 * requests on a separate client: they never pass this middleware, so they are not counted.
 * DynamoDB Local's own ConsumedCapacity is not used: it is wrong for transactions.
 */
import {
  BatchGetItemCommand,
  DescribeTableCommand,
  DynamoDBClient,
  QueryCommand,
  ScanCommand,
  type AttributeValue,
  type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { BuildHandler, BuildHandlerArguments, BuildMiddleware, MetadataBearer } from '@smithy/types';
import { rawDb } from '../../lib/db/client';
import { localClient } from '../../scripts/dynamodb-local';
import { iamCalls, type Call } from '../../test/helpers/iam';
import { onlyIfAbsent, partitionOf, priceRead, priceWrite, scalar, shortTable, type Schema, type WriteAction } from './pricing';
import type { Marshalled } from './size';

export interface RequestRecord {
  command: string;
  /** ms since the meter started: entry into the middleware, and completion of the real request */
  start: number;
  end: number;
  rcu: number;
  wru: number;
  /** of `wru`: the writes to global secondary indexes */
  gsiWru: number;
  itemsRead: number;
  itemsReturned: number;
  itemsWritten: number;
  /** `table:pk` or `table/index:pk` -> units this request spent there */
  partitions: Map<string, { rcu: number; wru: number }>;
  error?: string;
}

type Input = Record<string, unknown>;
type Output = Record<string, unknown>;

const typeKeys = new Set(['S', 'N', 'B', 'BOOL', 'NULL', 'L', 'M', 'SS', 'NS', 'BS']);
const looksMarshalled = (item: Record<string, unknown>) =>
  Object.values(item).every((v) => v !== null && typeof v === 'object' && Object.keys(v).length === 1 && typeKeys.has(Object.keys(v)[0]!));
/** DocumentClient outputs are unmarshalled (numbers wrapped): marshal them back for sizing. */
const asMarshalled = (item: Record<string, unknown> | undefined): Marshalled | undefined =>
  item === undefined ? undefined : looksMarshalled(item) ? (item as Marshalled) : marshall(item, { removeUndefinedValues: true });

export class Meter {
  readonly records: RequestRecord[] = [];
  /**
   * Every request of the window as IAM authorises it (test/helpers/iam.ts: a transaction's
   * Put/Update/Delete/ConditionCheck each on its table, a PartiQL statement by its verb, an
   * index by name): the capacity budget test holds them against the function's role.
   */
  readonly calls: Call[] = [];
  private readonly shadow: DynamoDBClient;
  private readonly schemas = new Map<string, Promise<Schema>>();
  private readonly t0 = performance.now();
  private active = false;
  inFlight = 0;
  /** Requests still running when the scenario closed its window (after a timeout). */
  late = 0;
  meterErrors: string[] = [];

  constructor(endpoint = process.env.DYNAMODB_ENDPOINT) {
    if (!endpoint) throw new Error('the capacity meter needs DYNAMODB_ENDPOINT (DynamoDB Local)');
    this.shadow = localClient(endpoint, 10);
  }

  install(): void {
    rawDb().middlewareStack.add(this.middleware as never, { step: 'build', name: 'capacityMeter', priority: 'high' });
  }

  uninstall(): void {
    rawDb().middlewareStack.remove('capacityMeter');
    this.shadow.destroy();
  }

  /** Start counting into a fresh window. */
  open(): void {
    this.records.length = 0;
    this.calls.length = 0;
    this.meterErrors = [];
    this.late = 0;
    this.active = true;
  }

  close(): RequestRecord[] {
    this.active = false;
    return [...this.records];
  }

  now = () => performance.now() - this.t0;

  private middleware: BuildMiddleware<Input, Output & MetadataBearer> =
    (next: BuildHandler<Input, Output & MetadataBearer>, context) => async (args: BuildHandlerArguments<Input>) => {
      if (!this.active) {
        // not counted, but known: runs wait for a handler's leftover requests before the next call
        this.inFlight++;
        try {
          return await next(args);
        } finally {
          this.inFlight--;
        }
      }
      const command = String(context.commandName).replace(/Command$/, '');
      const input = args.input;
      this.calls.push(...iamCalls(command, input));
      const start = this.now();
      this.inFlight++;
      let before: Map<string, Marshalled | undefined> | undefined;
      let actions: WriteAction[] = [];
      try {
        actions = await this.writeActions(command, input);
        // the size before is needed where the write may replace an item: not for a put that
        // only succeeds on a new key (if it fails, nothing changed and the size is read after)
        const needed = actions.filter((a) => !a.fresh && a.kind !== 'check');
        if (needed.length) before = await this.readItems(needed.map((a) => ({ table: a.table, key: a.key })));
      } catch (err) {
        this.meterErrors.push(`${command} before: ${(err as Error).message}`);
      }
      let result: Awaited<ReturnType<typeof next>> | undefined;
      let error: Error | undefined;
      try {
        result = await next(args);
      } catch (err) {
        error = err as Error;
      }
      const end = this.now();
      this.inFlight--;
      const window = this.active;
      try {
        const record = await this.price(command, input, result?.output, error, actions, before);
        record.start = start;
        record.end = end;
        if (window) this.records.push(record);
        else this.late++;
      } catch (err) {
        this.meterErrors.push(`${command}: ${(err as Error).message}`);
      }
      if (error) throw error;
      return result!;
    };

  // ---- schemas and shadow reads -------------------------------------------------------

  schema(table: string): Promise<Schema> {
    let found = this.schemas.get(table);
    if (!found) {
      found = this.shadow.send(new DescribeTableCommand({ TableName: table })).then(({ Table }) => {
        const hashOf = (ks: { AttributeName?: string; KeyType?: string }[] | undefined) => ks?.find((k) => k.KeyType === 'HASH')?.AttributeName ?? '';
        const rangeOf = (ks: { AttributeName?: string; KeyType?: string }[] | undefined) => ks?.find((k) => k.KeyType === 'RANGE')?.AttributeName;
        return {
          table,
          hash: hashOf(Table?.KeySchema),
          range: rangeOf(Table?.KeySchema),
          indexes: (Table?.GlobalSecondaryIndexes ?? []).map((g) => ({
            name: g.IndexName!,
            hash: hashOf(g.KeySchema),
            range: rangeOf(g.KeySchema),
            projection: (g.Projection?.ProjectionType ?? 'ALL') as 'ALL' | 'KEYS_ONLY' | 'INCLUDE',
            include: g.Projection?.NonKeyAttributes ?? [],
          })),
        };
      });
      this.schemas.set(table, found);
    }
    return found;
  }

  /** Current items by key (strongly consistent), on the shadow client. */
  async readItems(keys: { table: string; key: Marshalled }[]): Promise<Map<string, Marshalled | undefined>> {
    const out = new Map<string, Marshalled | undefined>();
    const unique = new Map(keys.map((k) => [keyId(k.table, k.key), k]));
    const list = [...unique.values()];
    for (let i = 0; i < list.length; i += 100) {
      let pending: Record<string, { Keys: Marshalled[]; ConsistentRead: boolean }> = {};
      for (const { table, key } of list.slice(i, i + 100)) {
        (pending[table] ??= { Keys: [], ConsistentRead: true }).Keys.push(key);
      }
      while (Object.keys(pending).length) {
        const res = await this.shadow.send(new BatchGetItemCommand({ RequestItems: pending }));
        for (const [table, items] of Object.entries(res.Responses ?? {})) {
          const schema = await this.schema(table);
          for (const item of items) out.set(keyId(table, keyOf(schema, item)), item);
        }
        pending = (res.UnprocessedKeys ?? {}) as typeof pending;
      }
    }
    for (const id of unique.keys()) if (!out.has(id)) out.set(id, undefined);
    return out;
  }

  /** The items a Query/Scan evaluated (before its filter, without its projection). */
  private async evaluated(command: 'Query' | 'Scan', input: Input): Promise<Marshalled[]> {
    const used = `${String(input.KeyConditionExpression ?? '')}`;
    const keep = <T>(map: Record<string, T> | undefined) =>
      map && Object.fromEntries(Object.entries(map).filter(([k]) => new RegExp(`${k}(?![\\w])`).test(used)));
    const names = keep(input.ExpressionAttributeNames as Record<string, string> | undefined);
    const values = keep(input.ExpressionAttributeValues as Record<string, AttributeValue> | undefined);
    const shadowInput: QueryCommandInput = {
      TableName: input.TableName as string,
      IndexName: input.IndexName as string | undefined,
      KeyConditionExpression: input.KeyConditionExpression as string | undefined,
      ExclusiveStartKey: input.ExclusiveStartKey as Marshalled | undefined,
      Limit: input.Limit as number | undefined,
      ScanIndexForward: input.ScanIndexForward as boolean | undefined,
      ConsistentRead: input.ConsistentRead as boolean | undefined,
      ...(names && Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
      ...(values && Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
      Select: input.IndexName ? 'ALL_PROJECTED_ATTRIBUTES' : 'ALL_ATTRIBUTES',
    };
    if (command === 'Scan') {
      const scan = { ...shadowInput, Segment: input.Segment as number | undefined, TotalSegments: input.TotalSegments as number | undefined };
      delete scan.KeyConditionExpression;
      delete scan.ScanIndexForward;
      const res = await this.shadow.send(new ScanCommand(scan));
      return res.Items ?? [];
    }
    const res = await this.shadow.send(new QueryCommand(shadowInput));
    return res.Items ?? [];
  }

  // ---- pricing ------------------------------------------------------------------------

  private async writeActions(command: string, input: Input): Promise<WriteAction[]> {
    const actions: WriteAction[] = [];
    type Spec = { ConditionExpression?: string; ExpressionAttributeNames?: Record<string, string> };
    const add = async (kind: WriteAction['kind'], table: string, item: Marshalled | undefined, key: Marshalled | undefined, transactional: boolean, spec?: Spec) => {
      const schema = await this.schema(table);
      const fresh = kind === 'put' && onlyIfAbsent(schema, spec?.ConditionExpression, spec?.ExpressionAttributeNames);
      actions.push({ kind, table, schema, key: key ?? keyOf(schema, item!), item, transactional, fresh });
    };
    if (command === 'PutItem') await add('put', input.TableName as string, input.Item as Marshalled, undefined, false, input as Spec);
    else if (command === 'UpdateItem') await add('update', input.TableName as string, undefined, input.Key as Marshalled, false);
    else if (command === 'DeleteItem') await add('delete', input.TableName as string, undefined, input.Key as Marshalled, false);
    else if (command === 'BatchWriteItem') {
      for (const [table, requests] of Object.entries(input.RequestItems as Record<string, Record<string, { Item?: Marshalled; Key?: Marshalled }>[]>)) {
        for (const r of requests) {
          if (r.PutRequest) await add('put', table, r.PutRequest.Item, undefined, false);
          if (r.DeleteRequest) await add('delete', table, undefined, r.DeleteRequest.Key, false);
        }
      }
    } else if (command === 'BatchExecuteStatement') {
      // One action per statement, in order (Responses[i] answers Statements[i]).
      for (const st of input.Statements as { Statement: string; Parameters?: Marshalled[string][] }[]) {
        const w = partiqlWrite(st.Statement, st.Parameters ?? []);
        if (!w) throw new Error(`unsupported PartiQL statement: ${st.Statement.slice(0, 40)}`);
        // INSERT refuses an existing key, like a put with attribute_not_exists.
        if (w.kind === 'put') await add('put', w.table, w.values, undefined, false, { ConditionExpression: 'attribute_not_exists(pk)' });
        else await add('delete', w.table, undefined, { pk: w.values.pk!, sk: w.values.sk! }, false);
      }
    } else if (command === 'TransactWriteItems') {
      for (const t of input.TransactItems as Record<string, { TableName: string; Item?: Marshalled; Key?: Marshalled } & Spec>[]) {
        if (t.Put) await add('put', t.Put.TableName, t.Put.Item, undefined, true, t.Put);
        if (t.Update) await add('update', t.Update.TableName, undefined, t.Update.Key, true);
        if (t.Delete) await add('delete', t.Delete.TableName, undefined, t.Delete.Key, true);
        if (t.ConditionCheck) await add('check', t.ConditionCheck.TableName, undefined, t.ConditionCheck.Key, true);
      }
    }
    return actions;
  }

  private async price(
    command: string,
    input: Input,
    output: Output | undefined,
    error: Error | undefined,
    actions: WriteAction[],
    before: Map<string, Marshalled | undefined> | undefined,
  ): Promise<RequestRecord> {
    const record: RequestRecord = {
      command,
      start: 0,
      end: 0,
      rcu: 0,
      wru: 0,
      gsiWru: 0,
      itemsRead: 0,
      itemsReturned: 0,
      itemsWritten: 0,
      partitions: new Map(),
      ...(error ? { error: error.name } : {}),
    };
    const charge = (partition: string, rcu: number, wru: number) => {
      const p = record.partitions.get(partition) ?? { rcu: 0, wru: 0 };
      p.rcu += rcu;
      p.wru += wru;
      record.partitions.set(partition, p);
      record.rcu += rcu;
      record.wru += wru;
    };

    if (actions.length) {
      // Which actions took effect: a cancelled transaction or a failed condition changes nothing
      // but is still charged (pricing.ts); BatchWriteItem may leave some unprocessed.
      const conditional = error?.name === 'ConditionalCheckFailedException' || error?.name === 'TransactionCanceledException';
      if (error && !conditional) return record; // validation and the like: nothing written, nothing charged
      const unprocessed = new Set<string>();
      for (const [table, requests] of Object.entries((output?.UnprocessedItems ?? {}) as Record<string, Record<string, { Item?: Record<string, unknown>; Key?: Record<string, unknown> }>[]>)) {
        const schema = await this.schema(table);
        for (const r of requests) unprocessed.add(keyId(table, r.PutRequest ? keyOf(schema, asMarshalled(r.PutRequest.Item)!) : asMarshalled(r.DeleteRequest!.Key)!));
      }
      // BatchExecuteStatement: a statement with an Error (DuplicateItem, a failed WHERE) was not applied.
      const refused = new Set(((output?.Responses ?? []) as { Error?: unknown }[]).flatMap((r, i) => (r.Error ? [actions[i]] : [])));
      // read after: updated items (their new size); on failure every item (nothing changed, so
      // this is the size before); condition checks (the checked item)
      const readAfter = actions.filter((a) => error || a.kind === 'update' || a.kind === 'check');
      const after = readAfter.length ? await this.readItems(readAfter.map((a) => ({ table: a.table, key: a.key }))) : new Map<string, Marshalled | undefined>();
      for (const action of actions) {
        const id = keyId(action.table, action.key);
        if (unprocessed.has(id)) continue;
        const applied = !error && !refused.has(action);
        const old = error || action.kind === 'check' ? after.get(id) : action.fresh ? undefined : before?.get(id);
        const next = !applied ? old : action.kind === 'put' ? action.item : action.kind === 'update' ? after.get(id) : action.kind === 'delete' ? undefined : old;
        for (const c of priceWrite(action, old, next, applied)) {
          charge(c.partition, 0, c.wru);
          if (c.gsi) record.gsiWru += c.wru;
        }
        if (applied && action.kind !== 'check') record.itemsWritten++;
      }
      return record;
    }
    if (error || !output) return record;

    if (command === 'GetItem' || command === 'BatchGetItem' || command === 'TransactGetItems') {
      const gets: { table: string; key: Marshalled; consistent: boolean; projected: boolean; transactional: boolean }[] = [];
      if (command === 'GetItem') {
        gets.push({ table: input.TableName as string, key: input.Key as Marshalled, consistent: !!input.ConsistentRead, projected: !!input.ProjectionExpression, transactional: false });
      } else if (command === 'BatchGetItem') {
        for (const [table, spec] of Object.entries(input.RequestItems as Record<string, { Keys: Marshalled[]; ConsistentRead?: boolean; ProjectionExpression?: string }>)) {
          const unprocessed = new Set(((output.UnprocessedKeys as Record<string, { Keys: Record<string, unknown>[] }> | undefined)?.[table]?.Keys ?? []).map((k) => keyId(table, asMarshalled(k)!)));
          for (const key of spec.Keys) if (!unprocessed.has(keyId(table, key))) gets.push({ table, key, consistent: !!spec.ConsistentRead, projected: !!spec.ProjectionExpression, transactional: false });
        }
      } else {
        for (const t of input.TransactItems as { Get: { TableName: string; Key: Marshalled } }[]) {
          gets.push({ table: t.Get.TableName, key: t.Get.Key, consistent: true, projected: true, transactional: true });
        }
      }
      const returned = new Map<string, Marshalled>();
      const collect = async (table: string, item: Record<string, unknown> | undefined) => {
        const m = asMarshalled(item);
        if (m) returned.set(keyId(table, keyOf(await this.schema(table), m)), m);
      };
      if (command === 'GetItem') {
        if (output.Item) {
          record.itemsRead = record.itemsReturned = 1;
          if (!input.ProjectionExpression) await collect(input.TableName as string, output.Item as Record<string, unknown>);
        }
      } else if (command === 'BatchGetItem') {
        for (const [table, items] of Object.entries((output.Responses ?? {}) as Record<string, Record<string, unknown>[]>)) {
          record.itemsRead += items.length;
          if (!(input.RequestItems as Record<string, { ProjectionExpression?: string }>)[table]?.ProjectionExpression) for (const item of items) await collect(table, item);
        }
        record.itemsReturned = record.itemsRead;
      } else {
        record.itemsRead = record.itemsReturned = ((output.Responses ?? []) as { Item?: unknown }[]).filter((r) => r.Item).length;
      }
      // a projection hides the item's size: read the whole item on the shadow client
      const hidden = gets.filter((g) => !returned.has(keyId(g.table, g.key)));
      const full = hidden.length ? await this.readItems(hidden) : new Map<string, Marshalled | undefined>();
      for (const g of gets) {
        const schema = await this.schema(g.table);
        const id = keyId(g.table, g.key);
        const item = returned.get(id) ?? full.get(id);
        const rcu = priceRead([item], g.consistent, g.transactional, true);
        charge(partitionOf(g.table, undefined, g.key[schema.hash]), rcu, 0);
      }
      return record;
    }

    if (command === 'Query' || command === 'Scan') {
      record.itemsRead = Number(output.ScannedCount ?? 0);
      record.itemsReturned = Number(output.Count ?? 0);
      const plain = !input.FilterExpression && !input.ProjectionExpression && (input.Select === undefined || input.Select === 'ALL_ATTRIBUTES' || input.Select === 'ALL_PROJECTED_ATTRIBUTES');
      const items = plain ? ((output.Items ?? []) as Record<string, unknown>[]).map((i) => asMarshalled(i)!) : await this.evaluated(command, input);
      const rcu = priceRead(items, !!input.ConsistentRead, false, false);
      if (command === 'Scan') {
        // a Scan reads every partition of the table: not one hot key
        charge(`${shortTable(input.TableName as string)}:(scan)`, rcu, 0);
      } else {
        const schema = await this.schema(input.TableName as string);
        const hashAttr = input.IndexName ? schema.indexes.find((i) => i.name === input.IndexName)?.hash ?? '' : schema.hash;
        charge(partitionOf(input.TableName as string, input.IndexName as string | undefined, hashValue(input, hashAttr)), rcu, 0);
      }
    }
    return record;
  }
}

// ---- keys ---------------------------------------------------------------------------------

export function keyOf(schema: Schema, item: Marshalled): Marshalled {
  const key: Marshalled = { [schema.hash]: item[schema.hash]! };
  if (schema.range) key[schema.range] = item[schema.range]!;
  return key;
}

const keyId = (table: string, key: Marshalled) =>
  `${table}\u0000${Object.keys(key)
    .sort()
    .map((k) => `${k}=${scalar(key[k])}`)
    .join('\u0000')}`;

/** The partition key value a Query's KeyConditionExpression pins (`#pk = :v` or `pk = :v`). */
function hashValue(input: Input, hashAttr: string): AttributeValue | undefined {
  const names = (input.ExpressionAttributeNames ?? {}) as Record<string, string>;
  const values = (input.ExpressionAttributeValues ?? {}) as Record<string, AttributeValue>;
  for (const m of String(input.KeyConditionExpression ?? '').matchAll(/([#\w]+)\s*=\s*(:\w+)/g)) {
    const name = m[1]!.startsWith('#') ? names[m[1]!] : m[1];
    if (name === hashAttr) return values[m[2]!];
  }
  return undefined;
}

/**
 * The PartiQL writes the code uses, as item writes: `INSERT INTO "t" VALUE {'a': ?, ...}` (a put
 * of those attributes) and `DELETE FROM "t" WHERE pk = ? AND sk = ? ...` (a delete of that key).
 */
function partiqlWrite(statement: string, params: Marshalled[string][]): { kind: 'put' | 'delete'; table: string; values: Marshalled } | undefined {
  const insert = /^\s*INSERT\s+INTO\s+"([^"]+)"\s+VALUE\s*\{(.*)\}\s*$/is.exec(statement);
  if (insert) {
    const names = [...insert[2]!.matchAll(/'([^']+)'\s*:\s*\?/g)].map((m) => m[1]!);
    return { kind: 'put', table: insert[1]!, values: Object.fromEntries(names.map((n, i) => [n, params[i]!])) };
  }
  const del = /^\s*DELETE\s+FROM\s+"([^"]+)"\s+WHERE\s+(.*)$/is.exec(statement);
  if (del) {
    const names = [...del[2]!.matchAll(/(\w+)\s*=\s*\?/g)].map((m) => m[1]!);
    return { kind: 'delete', table: del[1]!, values: Object.fromEntries(names.map((n, i) => [n, params[i]!])) };
  }
  return undefined;
}

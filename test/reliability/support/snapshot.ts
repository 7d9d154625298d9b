/**
 * Every stored item of one tenant that a request could change, read by key (Query on the
 * tenant's partitions, BatchGet of the keys that can exist; never a Scan), as canonical JSON
 * per item. Two snapshots are equal exactly when no item was added, removed or changed.
 *
 * Not compared: the inventory id counters (`T#<t>#COUNTERS`). They are high-water marks that
 * an attempt takes before it knows whether it will commit, so a refused request may move them
 * on (docs/INVENTORY.md: "failed attempts leave gaps; ids only increase"). They are returned
 * separately so tests can check they never go back.
 */
import {
  BatchGetItemCommand,
  QueryCommand,
  type AttributeValue,
  type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import { rawDb } from '../../../lib/db/client';
import { tableName, type TableKey } from '../../../lib/db/tables';
import { keys, SHARDS } from '../../../lib/inventory/keys';
import { SEARCH_FIELDS } from '../../../lib/inventory/model';

type Raw = Record<string, AttributeValue>;

export interface Scope {
  tenantId: string;
  units: { codes: string[] };
  inventory: { assetIds: string[] };
  enrollment: { courseId: string; codes: string[] };
}

export interface Extra {
  /** More units course codes (assignment partitions) to read. */
  courseCodes?: string[];
  /** More inventory asset ids whose claims to read. */
  assetIds?: string[];
  /** More enrollment codes and courses to read. */
  codes?: string[];
  courseIds?: string[];
}

export interface Snapshot {
  /** `<table> <pk> <sk>` -> canonical JSON of the item. */
  items: Record<string, string>;
  counters: { unit: number; record: number; asset: number };
}

/** JSON with object keys sorted, so equal items give equal text. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

async function query(table: TableKey, input: Omit<QueryCommandInput, 'TableName'>): Promise<Raw[]> {
  const items: Raw[] = [];
  let start: Raw | undefined;
  do {
    const out = await rawDb().send(new QueryCommand({ TableName: tableName(table), ...input, ExclusiveStartKey: start }));
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

const partition = (table: TableKey, pk: string) =>
  query(table, { KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: pk } }, ConsistentRead: true });

async function batchGet(table: TableKey, keys: { pk: string; sk: string }[]): Promise<Raw[]> {
  const found: Raw[] = [];
  for (let i = 0; i < keys.length; i += 100) {
    let pending: Raw[] = keys.slice(i, i + 100).map((k) => ({ pk: { S: k.pk }, sk: { S: k.sk } }));
    while (pending.length > 0) {
      const out = await rawDb().send(
        new BatchGetItemCommand({ RequestItems: { [tableName(table)]: { Keys: pending, ConsistentRead: true } } }),
      );
      found.push(...(out.Responses?.[tableName(table)] ?? []));
      pending = out.UnprocessedKeys?.[tableName(table)]?.Keys ?? [];
    }
  }
  return found;
}

const unique = <T>(values: T[]) => [...new Set(values)];
const num = (v: AttributeValue | undefined) => Number(v?.N ?? 0);

async function unitsItems(s: Scope, extra: Extra): Promise<Raw[]> {
  const t = s.tenantId;
  const codes = unique([...s.units.codes, ...(extra.courseCodes ?? [])]);
  const pks = [`T#${t}#ACCOUNT`, `T#${t}#COURSES`, `T#${t}#LOGINS`, `T#${t}#LEDGER`, ...codes.map((c) => `T#${t}#ASSIGN#${c}`)];
  const items = (await Promise.all(pks.map((pk) => partition('units', pk)))).flat();
  return [...items, ...(await unitsReferenceItems(t, extra.courseCodes ?? []))];
}

/**
 * Reference data (docs/REFERENCE-DATA.md): the counters, both lists, every login profile up to
 * the highest id handed out, and the email claims of the profiles and of `names`.
 */
async function unitsReferenceItems(t: string, names: string[]): Promise<Raw[]> {
  const [counters, logins, courses] = await Promise.all(
    [`T#${t}#REFCOUNTERS`, `T#${t}#LIST#LOGINS`, `T#${t}#LIST#COURSES`].map((pk) => partition('units', pk)),
  );
  const last = num(counters![0]?.login);
  const profiles = await batchGet('units', Array.from({ length: last }, (_, i) => ({ pk: `T#${t}#LOGIN#${i + 1}`, sk: 'LOGIN' })));
  const emails = unique([...profiles.flatMap((p) => (p.email?.S ? [p.email.S] : [])), ...names.map((n) => n.toLowerCase())])
    .filter((e) => e.includes('@') && e.length <= 254);
  const claims = await batchGet('units', emails.map((e) => ({ pk: `T#${t}#EMAIL#${e}`, sk: 'EMAIL' })));
  return [...counters!, ...logins!, ...courses!, ...profiles, ...claims];
}

async function inventoryItems(s: Scope, extra: Extra): Promise<{ items: Raw[]; counters: Snapshot['counters'] }> {
  const t = s.tenantId;
  const [counterItems, ...indexes] = await Promise.all([
    partition('inventory', `T#${t}#COUNTERS`),
    ...SEARCH_FIELDS.map((f) => partition('inventory', keys.indexPartition(t, f))),
    ...Array.from({ length: SHARDS }, (_, shard) => partition('inventory', keys.searchShard(t, shard))),
    partition('inventory', keys.list(t, 'all')),
  ]);
  const c = counterItems[0];
  const counters = { unit: num(c?.unit), record: num(c?.record), asset: num(c?.asset) };
  // Every unit id ever handed out (so a unit written outside the index would still be seen),
  // and the claims of every asset id the tenant could have: known, generated, asked for.
  const ids = Array.from({ length: counters.unit }, (_, i) => i + 1);
  const generated = Array.from({ length: counters.asset }, (_, i) => `A${String(i).padStart(7, '0')}`);
  const claimKey = (a: string) => ({ pk: `T#${t}#ASSET#${a}`, sk: 'ASSET' });
  const known = unique([...s.inventory.assetIds, ...(extra.assetIds ?? []), ...generated]);
  const found = await batchGet('inventory', [...ids.map((id) => ({ pk: `T#${t}#UNIT#${id}`, sk: 'UNIT' })), ...known.map(claimKey)]);
  const units = found.filter((i) => i.sk!.S === 'UNIT');
  const more = unique(units.flatMap((u) => (u.asset_id?.S ? [u.asset_id.S] : []))).filter((a) => !known.includes(a));
  const parts = unique(units.map((u) => Number(u.part_id?.N)));
  const [partitions, claims] = await Promise.all([
    Promise.all([...units.map((u) => u.pk!.S!), ...parts.map((part) => keys.list(t, { part }))].map((pk) => partition('inventory', pk))),
    batchGet('inventory', more.map(claimKey)),
  ]);
  const reference = await inventoryReferenceItems(t, known);
  return { items: [...partitions.flat(), ...found.filter((i) => i.sk!.S !== 'UNIT'), ...claims, ...indexes.flat(), ...reference], counters };
}

/**
 * Reference data (docs/REFERENCE-DATA.md): its counters item (never moved by a refused request),
 * the records of every list (parts, units of measure, locations with sublocations, read by
 * their gsi1 list partitions), and the part number claims of the listed parts and of `names`.
 */
async function inventoryReferenceItems(t: string, names: string[]): Promise<Raw[]> {
  const [counters, ...lists] = await Promise.all([
    partition('inventory', `T#${t}#REFCOUNTERS`),
    ...['PARTS', 'UOMS', 'LOCATIONS'].map((kind) =>
      query('inventory', {
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: `T#${t}#REFLIST#${kind}` } },
      }),
    ),
  ]);
  const numbers = unique([...lists.flat().flatMap((i) => (i.part_number?.S ? [i.part_number.S] : [])), ...names])
    .filter((n) => n !== '' && n.length <= 255);
  const claims = await batchGet('inventory', numbers.map((n) => ({ pk: `T#${t}#PARTNO#${n}`, sk: 'PARTNO' })));
  return [...counters, ...lists.flat(), ...claims];
}

async function enrollmentItems(s: Scope, extra: Extra): Promise<Raw[]> {
  const t = s.tenantId;
  const courses = unique([s.enrollment.courseId, ...(extra.courseIds ?? [])]);
  const [coursePartitions, listed] = await Promise.all([
    Promise.all(courses.map((c) => partition('enrollment', `T#${t}#COURSE#${c}`))),
    // The course's codes by the index, so a code written by a refused request would show.
    Promise.all(
      courses.map((c) =>
        query('enrollment', {
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: `T#${t}#COURSE#${c}` } },
        }),
      ),
    ),
  ]);
  // The index holds whole items (projection ALL) and DynamoDB Local updates it synchronously;
  // the tenant's known codes and the ones a request carried are also read from the table.
  const known = unique([...s.enrollment.codes, ...(extra.codes ?? [])]);
  const codeItems = await batchGet('enrollment', known.map((code) => ({ pk: `T#${t}#CODE#${code}`, sk: 'CODE' })));
  const indexed = listed.flat().filter((i) => !known.includes(i.code?.S ?? ''));
  // Reference data (docs/REFERENCE-DATA.md): the counters and every listed course.
  const [counters, courseList] = await Promise.all([
    partition('enrollment', `T#${t}#REFCOUNTERS`),
    query('enrollment', {
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: `T#${t}#REFLIST#COURSES` } },
    }),
  ]);
  return [...coursePartitions.flat(), ...codeItems, ...indexed, ...counters, ...courseList];
}

export type Table = 'units' | 'inventory' | 'enrollment';

/**
 * The tenant's items in `tables` (default: all three domain tables). A surface's handlers
 * only know their own table's keys, so tests of one endpoint may read just its table.
 */
export async function snapshot(s: Scope, extra: Extra = {}, tables: Table[] = ['units', 'inventory', 'enrollment']): Promise<Snapshot> {
  const empty = { items: [] as Raw[], counters: { unit: 0, record: 0, asset: 0 } };
  const [units, inventory, enrollment] = await Promise.all([
    tables.includes('units') ? unitsItems(s, extra) : [],
    tables.includes('inventory') ? inventoryItems(s, extra) : empty,
    tables.includes('enrollment') ? enrollmentItems(s, extra) : [],
  ]);
  const items: Record<string, string> = {};
  const add = (table: string, list: Raw[]) => {
    for (const item of list) items[`${table} ${item.pk!.S} ${item.sk!.S}`] = canonical(item);
  };
  add('units', units);
  add('inventory', inventory.items);
  add('enrollment', enrollment);
  return { items, counters: inventory.counters };
}

/** Keys added, removed or changed between two snapshots (empty when nothing changed). */
export function changes(before: Snapshot, after: Snapshot): string[] {
  const keys = unique([...Object.keys(before.items), ...Object.keys(after.items)]).sort();
  return keys.flatMap((k) => {
    if (!(k in before.items)) return [`added ${k}`];
    if (!(k in after.items)) return [`removed ${k}`];
    return before.items[k] === after.items[k] ? [] : [`changed ${k}`];
  });
}

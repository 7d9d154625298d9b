/**
 * DynamoDB commands for the inventory reference data: parts, units of measure, locations and
 * sublocations (docs/REFERENCE-DATA.md). Keys and items come from keys.ts. Every write is one
 * transaction: a create takes its id and list position from the tenant's reference counters
 * and claims what must be unique (part numbers) with attribute_not_exists; a rename changes one
 * item and bumps the labels version (labels.ts).
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { db } from '../db/client';
import { AlreadyExists, ChangedMeanwhile, refusing } from '../db/refusals';
import { createSequenced, readPage, transactOrRefuse, type Counter } from '../db/sequenced';
import { inventoryTable as table } from '../db/tables';
import { unchanged } from '../db/unchanged';
import { keys, type Item, type RefList, type NamedKind } from './keys';
import { locationFrom, locationItem, partFrom, partItem, partNumberItem, sublocationFrom, sublocationItem, uomFrom, uomItem, nameItem } from './items';
import type { Location, Part, Sublocation, UnitOfMeasure } from './model';


type Kind = 'part' | 'uom' | 'location' | 'sublocation';

/** Counter attributes on the REFCOUNTERS item: `<kind>` the last id, `<kind>s` the last position. */
const counter = (tenantId: string, kind: Kind): Counter => ({
  table: table(),
  key: keys.refCounters(tenantId),
  idAttr: kind,
  seqAttr: `${kind}s`,
});

const notExists = 'attribute_not_exists(pk)';
const put = (Item: Item, ConditionExpression?: string) => ({
  Put: { TableName: table(), Item, ...(ConditionExpression ? { ConditionExpression } : {}) },
});

/** Claims `name` for record `id`: refused when another record holds it. */
const claimName = (tenantId: string, kind: NamedKind, scope: number, name: string, id: number) =>
  refusing(put(nameItem(tenantId, kind, scope, name, id), notExists), NameTaken);
/** A new record: refused when its key is taken. */
const create = (item: Item) => refusing(put(item, notExists), AlreadyExists);

/**
 * A rename's claim changes: the new name claimed, the old one released (unless another record
 * holds it: data written before names were claimed). Nothing when the name stays.
 */
function moveNameClaim(tenantId: string, kind: NamedKind, scope: number, id: number, from: string, to: string) {
  if (from === to) return [];
  return [
    claimName(tenantId, kind, scope, to, id),
    {
      Delete: {
        TableName: table(),
        Key: keys.name(tenantId, kind, scope, from),
        ConditionExpression: 'attribute_not_exists(pk) OR id = :id',
        ExpressionAttributeValues: { ':id': id },
      },
    },
  ];
}

async function get(key: { pk: string; sk: string }): Promise<Item | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: table(), Key: key, ConsistentRead: true }));
  return Item;
}

export interface Page<T> {
  items: T[];
  total: number;
}

/** Page `page` of a list and its total. A location's sublocations sort right after it (`<position>#<id>`): `~` takes them too. */
const listPage = (tenantId: string, list: RefList, kind: Kind, page: number, perPage: number): Promise<Page<Item>> =>
  readPage({ table: table(), viaIndex: true, pk: keys.refList(tenantId, list), toSuffix: '~' }, counter(tenantId, kind), page, perPage);

// ------------------------------------------------------------------ parts

export const findPart = async (tenantId: string, id: number): Promise<Part | undefined> => {
  const item = await get(keys.part(tenantId, id));
  return item && partFrom(item);
};

export async function findPartByNumber(tenantId: string, partNumber: string): Promise<Part | undefined> {
  const claim = await get(keys.partNumber(tenantId, partNumber));
  return claim ? findPart(tenantId, Number(String(claim.part_id))) : undefined;
}

export async function listParts(tenantId: string, page: number, perPage: number): Promise<Page<Part>> {
  const { items, total } = await listPage(tenantId, 'PARTS', 'part', page, perPage);
  return { items: items.map(partFrom), total };
}

export class PartNumberTaken extends Error {}
/** Another location (sublocation of the same location, unit of measure) already has this name. */
export class NameTaken extends Error {}

/** A new part with the next id (or `explicitId`), claiming its part number. */
export async function insertPart(tenantId: string, fields: Omit<Part, 'id'>, explicitId?: number): Promise<Part> {
  let part: Part | undefined;
  await createSequenced(
    counter(tenantId, 'part'),
    ({ id, seq }) => {
      part = { id, ...fields };
      return [create(partItem(tenantId, part, seq)), refusing(put(partNumberItem(tenantId, part.part_number, id), notExists), PartNumberTaken)];
    },
    explicitId,
  );
  return part!;
}

/** Writes `after` over `before` (as read); a new part number moves the claim, in the same transaction. */
export async function replacePart(tenantId: string, before: Part, after: Part): Promise<void> {
  const item = await get(keys.part(tenantId, before.id));
  if (!item) throw new ChangedMeanwhile();
  const seq = Number(String(item.seq ?? 0)) || undefined;
  const renumbered = before.part_number !== after.part_number;
  const same = unchanged({
    part_number: before.part_number,
    description: before.description,
    manufacturer: before.manufacturer,
    manufacturer_part_number: before.manufacturer_part_number,
  });
  await transactOrRefuse([
    {
      Put: {
        TableName: table(),
        Item: partItem(tenantId, after, seq),
        // Every field still as read (a concurrent update of another field makes this one start over).
        ConditionExpression: same.condition,
        ExpressionAttributeNames: same.names,
        ExpressionAttributeValues: same.values,
      },
    },
    ...(renumbered
      ? [
          refusing(put(partNumberItem(tenantId, after.part_number, after.id), notExists), PartNumberTaken),
          {
            Delete: {
              TableName: table(),
              Key: keys.partNumber(tenantId, before.part_number),
              ConditionExpression: 'part_id = :id',
              ExpressionAttributeValues: { ':id': before.id },
            },
          },
        ]
      : []),
  ]);
}

// ------------------------------------------------------------------ units of measure

export async function listUnitsOfMeasure(tenantId: string, page: number, perPage: number): Promise<Page<UnitOfMeasure>> {
  const { items, total } = await listPage(tenantId, 'UOMS', 'uom', page, perPage);
  return { items: items.map(uomFrom), total };
}

export const findUnitOfMeasure = async (tenantId: string, id: number): Promise<UnitOfMeasure | undefined> => {
  const item = await get(keys.uom(tenantId, id));
  return item && uomFrom(item);
};

export async function insertUnitOfMeasure(tenantId: string, name: string, explicitId?: number): Promise<UnitOfMeasure> {
  const { id } = await createSequenced(
    counter(tenantId, 'uom'),
    ({ id, seq }) => [create(uomItem(tenantId, { id, name }, seq)), claimName(tenantId, 'uom', 0, name, id)],
    explicitId,
  );
  return { id, name };
}

/** Renames a unit of measure (imports); units keep the name they were written with. */
export async function renameUnitOfMeasure(tenantId: string, id: number, name: string): Promise<void> {
  const item = await get(keys.uom(tenantId, id));
  if (!item) throw new ChangedMeanwhile();
  await transactOrRefuse([
    {
      Put: {
        TableName: table(),
        Item: { ...item, name },
        ConditionExpression: '#name = :was',
        ExpressionAttributeNames: { '#name': 'name' },
        ExpressionAttributeValues: { ':was': item.name },
      },
    },
    ...moveNameClaim(tenantId, 'uom', 0, id, String(item.name), name),
  ]);
}

// ------------------------------------------------------------------ locations and sublocations

export interface LocationWithSublocations extends Location {
  sublocations: { id: number; name: string }[];
}

export async function listLocations(tenantId: string, page: number, perPage: number): Promise<Page<LocationWithSublocations>> {
  const { items, total } = await listPage(tenantId, 'LOCATIONS', 'location', page, perPage);
  const locations: LocationWithSublocations[] = [];
  for (const item of items) {
    if (item.sk === 'LOC') locations.push({ ...locationFrom(item), sublocations: [] });
    else if (item.sk === 'SUBLOC') {
      const sub = sublocationFrom(item);
      locations.find((l) => l.id === sub.location_id)?.sublocations.push({ id: sub.id, name: sub.name });
    }
  }
  return { items: locations, total };
}

export async function findLocation(tenantId: string, id: number): Promise<(Location & { seq?: number }) | undefined> {
  const item = await get(keys.location(tenantId, id));
  if (!item) return undefined;
  return { ...locationFrom(item), ...(item.seq === undefined ? {} : { seq: Number(String(item.seq)) }) };
}

export async function findSublocation(tenantId: string, id: number): Promise<Sublocation | undefined> {
  const item = await get(keys.sublocation(tenantId, id));
  return item && sublocationFrom(item);
}

export async function insertLocation(tenantId: string, name: string, explicitId?: number): Promise<Location & { seq: number }> {
  const { id, seq } = await createSequenced(
    counter(tenantId, 'location'),
    ({ id, seq }) => [create(locationItem(tenantId, { id, name }, seq)), claimName(tenantId, 'location', 0, name, id)],
    explicitId,
  );
  return { id, name, seq };
}

/** A sublocation of `location` (as read: its position in the list is fixed), if the location still exists. */
export async function insertSublocation(
  tenantId: string,
  location: Location & { seq?: number },
  name: string,
  explicitId?: number,
): Promise<Sublocation> {
  const { id } = await createSequenced(
    counter(tenantId, 'sublocation'),
    ({ id }) => [
      create(sublocationItem(tenantId, { id, name }, location, location.seq)),
      { ConditionCheck: { TableName: table(), Key: keys.location(tenantId, location.id), ConditionExpression: 'attribute_exists(pk)' } },
      claimName(tenantId, 'sublocation', location.id, name, id),
    ],
    explicitId,
  );
  return { id, name, location_id: location.id, label: `${location.name} - ${name}` };
}

/** A new labels version, and when it was made (labels.ts trusts the place list only once it has settled). */
const bumpLabels = (tenantId: string) => ({
  Update: {
    TableName: table(),
    Key: keys.refCounters(tenantId),
    UpdateExpression: 'ADD labels :one SET labels_at = :now',
    ExpressionAttributeValues: { ':one': 1, ':now': Date.now() },
  },
});

/** New name for a location, and a new labels version, in one transaction. */
export async function renameLocationItem(tenantId: string, location: Location, name: string): Promise<void> {
  const { id } = location;
  await transactOrRefuse([
    {
      Update: {
        TableName: table(),
        Key: keys.location(tenantId, id),
        UpdateExpression: 'SET #name = :name',
        ConditionExpression: '#name = :was',
        ExpressionAttributeNames: { '#name': 'name' },
        ExpressionAttributeValues: { ':name': name, ':was': location.name },
      },
    },
    bumpLabels(tenantId),
    ...moveNameClaim(tenantId, 'location', 0, id, location.name, name),
  ]);
}

/** New name for a sublocation of `location`, and a new labels version, in one transaction. */
export async function renameSublocationItem(tenantId: string, location: Location, sub: { id: number; name: string }, name: string): Promise<void> {
  const { id } = sub;
  await transactOrRefuse([
    {
      Update: {
        TableName: table(),
        Key: keys.sublocation(tenantId, id),
        // `label` is what the sublocation's name makes with the location's name as read now;
        // units resolve theirs from both names when read (labels.ts).
        UpdateExpression: 'SET #name = :name, label = :label',
        ConditionExpression: 'location_id = :location AND #name = :was',
        ExpressionAttributeNames: { '#name': 'name' },
        ExpressionAttributeValues: { ':name': name, ':label': `${location.name} - ${name}`, ':location': location.id, ':was': sub.name },
      },
    },
    bumpLabels(tenantId),
    ...moveNameClaim(tenantId, 'sublocation', location.id, id, sub.name, name),
  ]);
}

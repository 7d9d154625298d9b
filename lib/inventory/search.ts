/**
 * Search (SPEC 5.2), paginated with X-Pagination.
 *
 * What is queried, filtered and paged (no Scan anywhere; repository-search.ts):
 * 1. Queried: equals / starts_with criteria read the index partition of each field they name
 *    (`T#<t>#IDX#<field>`), about as many tiny items as match. All contains criteria together
 *    read the tenant's search records once (one small item per unit with every searchable
 *    value), from 16 partitions in parallel. A term without a field means every text field.
 * 2. Filtered: DynamoDB applies the comparisons to the lower-cased values, so only the unit
 *    ids of real matches come back; criteria are ORed by taking the union of ids.
 * 3. Paged: the ids are sorted (ascending id, a stable order), counted (total_entries is
 *    exact) and sliced; only the page's units (<= 100) are read, with one BatchGet.
 * No criteria: the tenant's unit list, read like a part's (pagination.ts pageOfList).
 *
 * inventory_location matches the labels as they are now, not as they were when a unit was
 * written (a rename changes no unit: labels.ts). Decision: the term is compared with every
 * sublocation's current label (the tenant's location list, O(places), cached per warm Lambda
 * until a rename or a new sublocation), and the units of each sublocation that matched are read
 * from the sublocation index (`IDX#sublocation`, one Query each, about as many tiny items as
 * there are units there). So it costs what an equals search costs, plus the place list on a
 * cold cache; the units read are still only the page's. Labels on the page are current too.
 */
import { mapLimit } from '../db/concurrency';
import { ValidationError } from '../errors';
import { SEARCH_FIELDS, type SearchField } from './model';
import type { RecordField } from './search-index';
import { labelResolver, type LabelResolver } from './labels';
import { pageOfIds, pageOfList, type UnitPage } from './pagination';
import { containingUnitIds, matchingUnitIds, type Comparison } from './repository-search';
import type { PageQuery } from './schemas';

export interface Criterion {
  fields: readonly SearchField[];
  comparison: Comparison;
  term: string;
}

const ALIASES: Record<string, SearchField> = { bin: 'sublocation_bin' };
const TEXT_SEARCH_FIELDS = SEARCH_FIELDS.filter((f) => f !== 'part_id');
const COMPARISONS: readonly Comparison[] = ['contains', 'equals', 'starts_with'];
/** Bounds the work one request can ask for (each criterion is one or more Queries). */
const MAX_CRITERIA = 10;
const MAX_TERM_LENGTH = 255;

function param(query: Record<string, unknown>, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new ValidationError(`${name} must be a string`);
  return value;
}

/** `fieldN`, `comparisonN`, `termN` from N = 0 up to the first N with none of them. */
export function parseCriteria(query: Record<string, unknown>): Criterion[] {
  const criteria: Criterion[] = [];
  for (let i = 0; ; i++) {
    const [field, comparison, term] = ['field', 'comparison', 'term'].map((p) => param(query, `${p}${i}`));
    if (field === undefined && comparison === undefined && term === undefined) return criteria;
    if (i >= MAX_CRITERIA) throw new ValidationError(`search takes at most ${MAX_CRITERIA} criteria`);
    criteria.push({
      fields: field ? [searchField(field, i)] : TEXT_SEARCH_FIELDS,
      comparison: comparisonOf(comparison, i),
      term: termOf(term, i),
    });
  }
}

function searchField(name: string, i: number): SearchField {
  const field = ALIASES[name] ?? SEARCH_FIELDS.find((f) => f === name);
  if (!field) throw new ValidationError(`field${i} must be one of: ${SEARCH_FIELDS.join(', ')}, bin`);
  return field;
}

function comparisonOf(name: string | undefined, i: number): Comparison {
  if (name === undefined || name === '') return 'contains';
  const comparison = COMPARISONS.find((c) => c === name);
  if (!comparison) throw new ValidationError(`comparison${i} must be one of: ${COMPARISONS.join(', ')}`);
  return comparison;
}

function termOf(term: string | undefined, i: number): string {
  if (term === undefined || term === '') throw new ValidationError(`term${i} can't be blank`);
  if (term.length > MAX_TERM_LENGTH) throw new ValidationError(`term${i} must be at most ${MAX_TERM_LENGTH} characters`);
  return term.toLowerCase();
}

/** Sublocation index Queries in flight at once for one search. */
const PLACE_QUERIES = 16;

const matches = (value: string, comparison: Comparison, term: string) =>
  comparison === 'equals' ? value === term : comparison === 'starts_with' ? value.startsWith(term) : value.includes(term);

/**
 * Units whose current label matches any of `criteria`: the matching sublocations, then each
 * one's index. A warm Lambda starts on the place list it holds while the version is read, and
 * keeps that work when the list still holds (no round trip added).
 */
async function unitsAtMatchingPlaces(tenantId: string, criteria: Criterion[], labels: LabelResolver): Promise<number[]> {
  if (criteria.length === 0) return [];
  const unitsAt = async (directory: Map<number, string>) => {
    const places = [...directory]
      .filter(([, label]) => criteria.some((c) => matches(label.toLowerCase(), c.comparison, c.term)))
      .map(([id]) => id);
    const perPlace = await mapLimit(places, PLACE_QUERIES, (id) => matchingUnitIds(tenantId, 'inventory_location', 'equals', String(id)));
    return perPlace.flat();
  };
  const held = labels.cachedDirectory();
  const early = held && unitsAt(held);
  early?.catch(() => undefined); // awaited below when the list still holds
  const directory = await labels.directory();
  return early && directory === held ? early : unitsAt(directory);
}

/**
 * The union (OR) of every criterion's matches: contains criteria in one pass over the search
 * records, inventory_location by current label then sublocation, the rest from their indexes.
 */
async function matchingIds(tenantId: string, criteria: Criterion[], labels: LabelResolver): Promise<number[]> {
  const byPlace = criteria.filter((c) => c.fields.includes('inventory_location'));
  const others = criteria
    .map((c) => ({ ...c, fields: c.fields.filter((f): f is RecordField => f !== 'inventory_location') }))
    .filter((c) => c.fields.length > 0);
  const contains = others.filter((c) => c.comparison === 'contains');
  const indexed = others.filter((c) => c.comparison !== 'contains');
  const lists = await Promise.all([
    containingUnitIds(tenantId, contains),
    ...indexed.flatMap((c) => c.fields.map((field) => matchingUnitIds(tenantId, field, c.comparison, c.term))),
    unitsAtMatchingPlaces(tenantId, byPlace, labels),
  ]);
  return lists.flat();
}

/** No criteria at all lists every unit of the tenant (its unit list: O(page) whatever the page). */
export async function searchUnits(tenantId: string, query: Record<string, unknown>, pageQuery: PageQuery): Promise<UnitPage> {
  const criteria = parseCriteria(query);
  const labels = labelResolver(tenantId);
  if (criteria.length === 0) return (await pageOfList(tenantId, 'all', pageQuery, labels))!;
  return pageOfIds(tenantId, await matchingIds(tenantId, criteria, labels), pageQuery, labels);
}

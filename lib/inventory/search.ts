/**
 * Search (SPEC 5.2), paginated with X-Pagination.
 *
 * What is queried, filtered and paged (no Scan anywhere):
 * 1. Queried: per criterion, the search index partition of each field it names
 *    (`T#<t>#IDX#<field>`, tiny items: lower-cased value + unit id). equals / starts_with
 *    use `begins_with` on the sort key, so they read about as many index items as match;
 *    contains reads that one field's index items for the tenant (never units, never other
 *    fields or tenants). A term without a field reads each text field's partition.
 * 2. Filtered: DynamoDB applies the comparison to the lower-cased value (`v`), so only the
 *    unit ids of real matches come back; criteria are ORed by taking the union of ids.
 * 3. Paged: the ids are sorted (ascending id, a stable order), counted (total_entries is
 *    exact) and sliced; only the page's units (<= 100) are read, with one BatchGet.
 */
import { ValidationError } from '../errors';
import { SEARCH_FIELDS, type SearchField } from './keys';
import { unitPage, type UnitPage } from './pagination';
import { allUnitIds, matchingUnitIds, type Comparison } from './repository-search';
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

async function matchingIds(tenantId: string, criteria: Criterion[]): Promise<number[]> {
  if (criteria.length === 0) return allUnitIds(tenantId);
  const lists = await Promise.all(
    criteria.flatMap((c) => c.fields.map((field) => matchingUnitIds(tenantId, field, c.comparison, c.term))),
  );
  return [...new Set(lists.flat())];
}

/** No criteria at all lists every unit of the tenant. */
export async function searchUnits(tenantId: string, query: Record<string, unknown>, pageQuery: PageQuery): Promise<UnitPage> {
  return unitPage(tenantId, await matchingIds(tenantId, parseCriteria(query)), pageQuery);
}

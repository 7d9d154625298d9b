/**
 * The course-units entities, and how each is stored as an item (attribute names live here;
 * keys in keys.ts). Per-course counters live on the account item so that a commit, whatever
 * the number of courses, is one transaction of two items (account + operation) besides the
 * assignments a small operation writes in it.
 */
import { accountKey, courseKey, operationKey } from './keys';

export interface Course {
  code: string;
  name: string;
  unitCost: number;
}

export interface Claim {
  opId: string;
  sk: string;
  /** Epoch ms after which the holder is presumed dead and may be recovered. */
  until: number;
}

export interface Account {
  unitsAvailable: number;
  unitsUsed: number;
  unitsOwed: number;
  extraPayment: boolean;
  /** Assignments per course code. */
  assigned: Record<string, number>;
  claim?: Claim;
  /**
   * How many operations have taken the claim so far (`lock_count`, + 1 in every takeClaim): the
   * reconcile job repairs only if no operation started since it read the account.
   */
  claimEpoch?: number;
}

export interface Pair {
  code: string;
  loginId: number;
}

export type OperationStatus = 'pending' | 'aborting' | 'committed' | 'aborted';

export interface Operation {
  opId: string;
  sk: string;
  status: OperationStatus;
  createdAt: string;
  /** What was asked (deduplicated, all known): the candidate pairs are their product. */
  courseCodes: string[];
  loginIds: number[];
  /** Who asked: the tenant, the credential kind and the request. */
  who: Record<string, string>;
  /** Set once committed. */
  units?: number;
  owed?: number;
  pairs?: number;
  /** `CODE:login` of each pair added, for operations of at most 1,000 pairs (larger ones: their journal). */
  pairList?: string[];
  reason?: string;
}

/** Reference data for one tenant (tests, the demo seed, an import). */
export interface UnitsData {
  account?: { unitsAvailable: number; extraPayment: boolean; unitsUsed?: number; unitsOwed?: number };
  courses?: { code: string; name: string; unitCost?: number }[];
  logins?: number[];
}

/** Account attribute holding a course's assignment count: `assigned:<code>`. */
export const assignedPrefix = 'assigned:';

// ---- model -> item ---------------------------------------------------------------------

export const accountItem = (t: string, a: NonNullable<UnitsData['account']>) => ({
  ...accountKey(t),
  units_available: a.unitsAvailable,
  units_used: a.unitsUsed ?? 0,
  units_owed: a.unitsOwed ?? 0,
  extra_payment: a.extraPayment,
});

export const courseItem = (t: string, c: NonNullable<UnitsData['courses']>[number]) => ({
  ...courseKey(t, c.code),
  code: c.code,
  name: c.name,
  unit_cost: c.unitCost ?? 1,
});

export const operationItem = (t: string, op: Operation) => ({
  ...operationKey(t, op.sk),
  op_id: op.opId,
  status: op.status,
  created_at: op.createdAt,
  course_codes: op.courseCodes,
  login_ids: op.loginIds,
  who: op.who,
});

// ---- item -> model ---------------------------------------------------------------------

/** NumberValue (exact decimal string) or number -> number; units are integers. */
export const int = (v: unknown): number => (v === undefined || v === null ? 0 : Number(String(v)));

export function toAccount(item: Record<string, unknown>): Account {
  const assigned: Record<string, number> = {};
  for (const [name, value] of Object.entries(item)) {
    if (name.startsWith(assignedPrefix)) assigned[name.slice(assignedPrefix.length)] = int(value);
  }
  return {
    unitsAvailable: int(item.units_available),
    unitsUsed: int(item.units_used),
    unitsOwed: int(item.units_owed),
    extraPayment: item.extra_payment === true,
    assigned,
    ...(item.lock_count === undefined ? {} : { claimEpoch: int(item.lock_count) }),
    ...(item.lock_op === undefined
      ? {}
      : { claim: { opId: String(item.lock_op), sk: String(item.lock_sk), until: int(item.lock_until) } }),
  };
}

export const toCourse = (item: Record<string, unknown>): Course => ({
  code: String(item.code),
  name: String(item.name),
  unitCost: int(item.unit_cost),
});

export function toOperation(item: Record<string, unknown>): Operation {
  return {
    opId: String(item.op_id),
    sk: String(item.sk),
    status: item.status as OperationStatus,
    createdAt: String(item.created_at),
    courseCodes: (item.course_codes as unknown[]).map(String),
    loginIds: (item.login_ids as unknown[]).map(int),
    who: item.who as Record<string, string>,
    ...(item.units === undefined ? {} : { units: int(item.units), owed: int(item.owed), pairs: int(item.pairs) }),
    ...(item.pair_list === undefined ? {} : { pairList: (item.pair_list as unknown[]).map(String) }),
    ...(item.reason === undefined ? {} : { reason: String(item.reason) }),
  };
}

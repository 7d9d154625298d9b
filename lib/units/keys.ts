/**
 * The units table's keys: one function per entity, the only place they are built
 * (docs/UNITS.md has the table and the reasons). Every key starts with the tenant.
 *
 *   T#<t>#ACCOUNT        / ACCOUNT             the account (balance, per-course counts, the assign claim)
 *   T#<t>#COURSES        / COURSE#<code>       a course
 *   T#<t>#LOGINS         / B#<bucket>          the tenant's login ids in one bucket (a number set)
 *   T#<t>#ASSIGN#<code>  / B#<bucket>          the login ids assigned the course, in one bucket
 *   T#<t>#ASSIGN#<code>  / J#<op id>           an operation's journal: the ids it adds to the course
 *   T#<t>#LEDGER         / OP#<iso>#<op id>    an operation (the ledger entry)
 *   T#<t>#DONE#<hash>    / DONE                a request whose pairs are all assigned (fingerprint.ts)
 *
 * Reference data over HTTP (repository-reference.ts, docs/REFERENCE-DATA.md):
 *   T#<t>#REFCOUNTERS    / REFCOUNTERS         login (last id), logins / courses (last list position)
 *   T#<t>#LOGIN#<id>     / LOGIN               a login's profile: id, email, first_name, last_name, seq
 *   T#<t>#EMAIL#<email>  / EMAIL               claims a (lower-cased) email for a login
 *   T#<t>#LIST#LOGINS    / <seq>               the login list: a copy of the profile per position
 *   T#<t>#LIST#COURSES   / <seq>               the course list: a copy of the course per position
 *
 * The account's assign claim (repository-claim.ts) is stored in attributes that keep their old
 * name from when it was called the lock: `lock_op`, `lock_until`, `lock_sk`, `lock_count`,
 * `lock_aborting`; renaming them would change every stored account item.
 */
import { padSeq } from '../db/sequenced';

/**
 * Login ids per bucket: 256 consecutive ids share an item, so an item holds at most 256 ids
 * (~1 KB for ids below 10^6): a write costs 1-2 WRU however large the set grows, and 1,000
 * consecutive ids are 4 or 5 items.
 */
export const bucketSize = 256;
export const bucketOf = (loginId: number): number => Math.floor(loginId / bucketSize);
/** Zero-padded so that key order is bucket order (a Query over a range of buckets). Ids < 2^53: 14 digits. */
export const bucketSk = (bucket: number): string => `B#${String(bucket).padStart(14, '0')}`;
export const bucketPrefix = 'B#';

export const accountKey = (t: string) => ({ pk: `T#${t}#ACCOUNT`, sk: 'ACCOUNT' });
export const courseKey = (t: string, code: string) => ({ pk: `T#${t}#COURSES`, sk: `COURSE#${code}` });
export const loginsPk = (t: string) => `T#${t}#LOGINS`;
export const loginBucketKey = (t: string, bucket: number) => ({ pk: loginsPk(t), sk: bucketSk(bucket) });
export const assignmentsPk = (t: string, code: string) => `T#${t}#ASSIGN#${code}`;
export const assignmentBucketKey = (t: string, code: string, bucket: number) => ({ pk: assignmentsPk(t, code), sk: bucketSk(bucket) });
export const journalKey = (t: string, code: string, opId: string) => ({ pk: assignmentsPk(t, code), sk: `J#${opId}` });
export const operationKey = (t: string, sk: string) => ({ pk: `T#${t}#LEDGER`, sk });
/** Its own partition per request: written once per large commit, read by that request's retries. */
export const fingerprintKey = (t: string, hash: string) => ({ pk: `T#${t}#DONE#${hash}`, sk: 'DONE' });
export const operationSk = (createdAt: string, opId: string) => `OP#${createdAt}#${opId}`;

/** The tenant of an account key's pk, or undefined when `pk` is not one. */
export function tenantOfAccountPk(pk: string): string | undefined {
  const tenantId = pk.slice(2, pk.length - '#ACCOUNT'.length);
  return accountKey(tenantId).pk === pk ? tenantId : undefined;
}

/** Keys of the reference data over HTTP (logins with their profiles, the login and course lists). */
export const refKeys = {
  counters: (t: string) => ({ pk: `T#${t}#REFCOUNTERS`, sk: 'REFCOUNTERS' }),
  login: (t: string, id: number) => ({ pk: `T#${t}#LOGIN#${id}`, sk: 'LOGIN' }),
  email: (t: string, email: string) => ({ pk: `T#${t}#EMAIL#${email}`, sk: 'EMAIL' }),
  listPk: (t: string, kind: 'LOGINS' | 'COURSES') => `T#${t}#LIST#${kind}`,
  listEntry: (t: string, kind: 'LOGINS' | 'COURSES', seq: number) => ({ pk: refKeys.listPk(t, kind), sk: padSeq(seq) }),
};

/**
 * The units table's keys: one function per entity, the only place they are built
 * (docs/UNITS.md has the table). Every key starts with the tenant.
 *
 *   T#<t>#ACCOUNT        / ACCOUNT             the account (balance, per-course counts, lock)
 *   T#<t>#COURSES        / COURSE#<code>       a course
 *   T#<t>#LOGINS         / LOGIN#<id>          a login
 *   T#<t>#ASSIGN#<code>  / LOGIN#<id>          an assignment
 *   T#<t>#LEDGER         / OP#<iso>#<op id>    an operation (the ledger entry)
 */
import type { Pair } from './model';

export const accountKey = (t: string) => ({ pk: `T#${t}#ACCOUNT`, sk: 'ACCOUNT' });
export const courseKey = (t: string, code: string) => ({ pk: `T#${t}#COURSES`, sk: `COURSE#${code}` });
export const loginKey = (t: string, id: number) => ({ pk: `T#${t}#LOGINS`, sk: `LOGIN#${id}` });
export const assignmentKey = (t: string, p: Pair) => ({ pk: `T#${t}#ASSIGN#${p.code}`, sk: `LOGIN#${p.loginId}` });
export const operationKey = (t: string, sk: string) => ({ pk: `T#${t}#LEDGER`, sk });
export const operationSk = (createdAt: string, opId: string) => `OP#${createdAt}#${opId}`;

/** The tenant of an account key's pk, or undefined when `pk` is not one. */
export function tenantOfAccountPk(pk: string): string | undefined {
  const tenantId = pk.slice(2, pk.length - '#ACCOUNT'.length);
  return accountKey(tenantId).pk === pk ? tenantId : undefined;
}

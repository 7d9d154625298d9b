/**
 * Logins over HTTP (GET/POST /api/v2/logins, GET/PUT /api/v2/logins/:id) and in imports: one
 * implementation of the rules. Ids are assigned by the server from the tenant's counter; an
 * email is unique within the tenant (stored lower-cased, claimed in the login's transaction);
 * a created login is one assign_units knows at once (written in the same transaction).
 */
import { withRetry } from '../db/retry';
import { retryChanged } from '../db/refusals';
import { NotFoundError, ServiceUnavailableError, ValidationError } from '../errors';
import {
  EmailTaken,
  findLogin,
  IdTaken,
  insertLogin,
  listLogins,
  readLoginCounter,
  replaceLogin,
  type Login,
} from './repository-reference';

export const EMAIL_TAKEN = 'Email has already been taken';

export interface LoginFields {
  email?: string | null;
  first_name?: string | null;
  last_name?: string | null;
}

export const renderLogin = (l: Login) => ({ id: l.id, email: l.email, first_name: l.first_name, last_name: l.last_name });

export interface PageInfo {
  current_page: number;
  per_page: number;
  total_entries: number;
  total_pages: number;
}
export const pageInfo = (total: number, page: number, perPage: number): PageInfo => ({
  current_page: page,
  per_page: perPage,
  total_entries: total,
  total_pages: Math.max(1, Math.ceil(total / perPage)),
});

export async function listLoginsPage(tenantId: string, page: number, perPage: number) {
  const { items, total } = await listLogins(tenantId, page, perPage);
  return { logins: items.map(renderLogin), ...pageInfo(total, page, perPage) };
}

export async function showLogin(tenantId: string, id: number) {
  const login = await findLogin(tenantId, id);
  if (!login) throw new NotFoundError();
  return renderLogin(login);
}

const MAX_SKIPS = 200;

/**
 * A new login with the next free id. Ids made outside the counter (logins imported before it
 * existed) are skipped: the attempt that meets one tries the id after it.
 */
export async function createLogin(tenantId: string, fields: LoginFields & { email: string }) {
  const values = { email: fields.email, first_name: fields.first_name ?? null, last_name: fields.last_name ?? null };
  let candidate: number | undefined;
  for (let skip = 0; skip < MAX_SKIPS; skip++) {
    try {
      return renderLogin(await insertLogin(tenantId, values, candidate));
    } catch (err) {
      if (err instanceof EmailTaken) throw new ValidationError(EMAIL_TAKEN);
      if (!(err instanceof IdTaken)) throw err;
      candidate = Math.max(candidate ?? 0, (await readLoginCounter(tenantId)).id) + 1;
    }
  }
  throw new ServiceUnavailableError();
}

export async function updateLogin(tenantId: string, id: number, fields: LoginFields) {
  return withRetry(async () => {
    const before = await findLogin(tenantId, id);
    if (!before) throw new NotFoundError();
    const after: Login = {
      ...before,
      ...(fields.email === undefined ? {} : { email: fields.email }),
      ...(fields.first_name === undefined ? {} : { first_name: fields.first_name }),
      ...(fields.last_name === undefined ? {} : { last_name: fields.last_name }),
    };
    if (after.email === before.email && after.first_name === before.first_name && after.last_name === before.last_name) {
      return renderLogin(before);
    }
    try {
      await replaceLogin(tenantId, before, after);
    } catch (err) {
      if (err instanceof EmailTaken) throw new ValidationError(EMAIL_TAKEN);
      throw err;
    }
    return renderLogin(after);
  }, retryChanged);
}

/** Import: login `id` exists afterwards (with these fields when given); importing again changes nothing. */
export async function upsertLogin(tenantId: string, login: LoginFields & { id: number }): Promise<void> {
  await withRetry(async () => {
    if (await findLogin(tenantId, login.id)) {
      await updateLogin(tenantId, login.id, login);
      return;
    }
    try {
      await insertLogin(tenantId, { email: login.email ?? null, first_name: login.first_name ?? null, last_name: login.last_name ?? null }, login.id);
    } catch (err) {
      if (err instanceof EmailTaken) throw new ValidationError(`login ${login.id}: ${EMAIL_TAKEN}`);
      // Known to assign_units but without a profile (imported before profiles existed): nothing to add.
      if (err instanceof IdTaken) return;
      throw err;
    }
  }, retryChanged);
}

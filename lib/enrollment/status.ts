/**
 * cancel / restore. Either way the code's user, if any, is unenrolled (enrollment deleted,
 * counter decremented) in the same transaction that changes the code; cancel leaves the code
 * `canceled`, restore `active`. Every write is conditioned on the status that was read, so a
 * concurrent enroll or status change makes it read again instead of double-counting.
 */
import { NotFoundError, ServiceUnavailableError, ValidationError } from '../errors';
import type { CodeStatus } from './model';
import { getCode, releaseCode, setCodeStatus } from './repository';

const targets: Record<string, CodeStatus> = { cancel: 'canceled', restore: 'active' };
const maxAttempts = 5;

export async function changeCodeStatus(tenantId: string, enrollmentCode: string, action: unknown): Promise<void> {
  const to = typeof action === 'string' && Object.hasOwn(targets, action.trim().toLowerCase())
    ? targets[action.trim().toLowerCase()]!
    : undefined;
  if (!to) throw new ValidationError('Invalid action.');

  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const code = await getCode(tenantId, enrollmentCode);
    if (!code) throw new NotFoundError(`The enrollment code (${enrollmentCode}) was not found`);
    const { email } = code;
    if (code.status === 'redeemed' && email) {
      if (await releaseCode(tenantId, { ...code, email }, to)) return;
    } else if (code.status === to) {
      return; // already there: cancel twice, or restore an unused code
    } else if (await setCodeStatus(tenantId, code.code, code.status, to)) {
      return;
    }
  }
  // Changed under us on every attempt: only a storm of requests on this one code does that.
  throw new ServiceUnavailableError();
}

/**
 * cancel / restore. Either way the code's user, if any, is unenrolled (enrollment deleted,
 * counter decremented) in the same transaction that changes the code; cancel leaves the code
 * `canceled`, restore `active`. Every write is conditioned on the status that was read, so a
 * concurrent enroll or status change makes it read again instead of double-counting.
 */
import { NotFoundError, ServiceUnavailableError, ValidationError } from '../errors';
import type { CodeStatus } from './model';
import { ChangedMeanwhile, retryChanged } from '../db/refusals';
import { withRetry } from '../db/retry';
import { getStoredCode, visibility } from './repository';
import { releaseCode, setCodeStatus } from './repository-redeem';

const targets: Record<string, CodeStatus> = { cancel: 'canceled', restore: 'active' };
const maxAttempts = 5;

export async function changeCodeStatus(tenantId: string, enrollmentCode: string, action: unknown): Promise<void> {
  const to = typeof action === 'string' && Object.hasOwn(targets, action.trim().toLowerCase())
    ? targets[action.trim().toLowerCase()]!
    : undefined;
  if (!to) throw new ValidationError('Invalid action.');

  const notFound = () => new NotFoundError(`The enrollment code (${enrollmentCode}) was not found`);
  let seq: number | undefined;
  await withRetry(
    async (attempt) => {
      const stored = await getStoredCode(tenantId, enrollmentCode);
      if (!stored) throw notFound();
      if (attempt === 1) {
        // A code of a batch that has not committed does not exist yet; once committed, it stays so.
        const seen = await visibility(tenantId, stored);
        if (!seen.visible) throw notFound();
        seq = seen.seq;
      }
      const code = stored.record;
      const { email } = code;
      if (code.status === to) return; // already there: cancel twice, or restore an unused code
      const done =
        code.status === 'redeemed' && email
          ? await releaseCode(tenantId, { ...code, email }, to, seq)
          : await setCodeStatus(tenantId, code, code.status, to, seq);
      if (!done) throw new ChangedMeanwhile();
    },
    // Changed under us on every attempt: only a storm of requests on this one code does that.
    { ...retryChanged, attempts: maxAttempts, onExhausted: () => new ServiceUnavailableError() },
  );
}

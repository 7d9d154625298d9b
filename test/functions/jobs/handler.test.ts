/** The Lambda wrapper every job shares (lib/jobs/handler.ts). */
import { describe, expect, it } from 'vitest';
import { jobHandler } from '../../../lib/jobs/handler';
import { setLogSink, type LogLine } from '../../../lib/log';
import { lambdaContext } from '../../../scripts/lambda-context';

function captured<T>(fn: () => Promise<T>): Promise<{ lines: LogLine[]; result: PromiseSettledResult<T> }> {
  const lines: LogLine[] = [];
  const restore = setLogSink((line) => lines.push(line));
  return Promise.allSettled([fn()]).then(([result]) => {
    restore();
    return { lines, result: result! };
  });
}

const summary = { job: 'demoJob', complete: true, scanned: 1, changed: 0, drift: 0, skipped: 0, durationMs: 1 };

describe('jobHandler', () => {
  it('gives the run a budget from the Lambda time left: generous at first, spent near the end', async () => {
    let remaining = 100_000;
    const context = { ...lambdaContext('demoJob'), getRemainingTimeInMillis: () => remaining };
    const seen: boolean[] = [];
    await captured(() =>
      jobHandler('demoJob', async (budget) => {
        seen.push(budget.exhausted());
        remaining = 20_000; // below a quarter of what it had
        seen.push(budget.exhausted());
        return summary;
      })({}, context),
    );
    expect(seen).toEqual([false, true]);
  });

  it('a failure is logged with its stack and rethrown, so the invocation counts as failed', async () => {
    const { lines, result } = await captured(() =>
      jobHandler('demoJob', () => Promise.reject(new Error('table gone')))({}, lambdaContext('demoJob')),
    );
    expect(result.status).toBe('rejected');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'error', job: 'demoJob', function: 'demoJob', error: { message: 'table gone' } });
    expect((lines[0]!.error as { stack: string }).stack).toMatch(/\n\s+at /);
  });
});

/**
 * The Lambda entry of a scheduled job. EventBridge sends a "Scheduled Event"; the console and
 * `npm run invoke` send `{}`; the event's content is never needed. The run gets the time the
 * Lambda has left (lib/deadline.ts), and its summary is both returned and logged as one JSON line.
 * A failure is logged with its stack and rethrown, so the invocation counts as failed
 * (CloudWatch errors metric, EventBridge's retries).
 */
import type { Context } from 'aws-lambda';
import { log, logInvocation } from '../log';
import { budgetFrom, remainingTimeOf, type Budget } from '../deadline';
import type { JobSummary } from './summary';

export function jobHandler<S extends JobSummary>(
  name: string,
  run: (budget: Budget) => Promise<S>,
): (event: unknown, context: Context) => Promise<S> {
  return async (_event, context) => {
    const requestId = context.awsRequestId;
    logInvocation(context);
    try {
      const summary = await run(budgetFrom(remainingTimeOf(context)));
      log({ level: 'info', msg: `${name} summary`, requestId, function: context.functionName, ...(summary as object) });
      return summary;
    } catch (err) {
      const error = err as Error;
      log({ level: 'error', msg: `${name} failed`, requestId, function: context.functionName, job: name, error: { name: error.name, message: error.message, stack: error.stack } });
      throw err;
    }
  };
}

import { jobHandler } from '../../lib/jobs/handler';
import { reconcile } from '../../lib/jobs/reconcile';

/** Daily (EventBridge) or `{}` from the console: recounts running totals, repairs drift, undoes abandoned operations. */
export const handler = jobHandler('reconcile', (budget) => reconcile({ budget }));

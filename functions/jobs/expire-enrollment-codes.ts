import { expireEnrollmentCodes } from '../../lib/jobs/expire';
import { jobHandler } from '../../lib/jobs/handler';

/** Hourly (EventBridge) or `{}` from the console: expires active codes past their expiry. */
export const handler = jobHandler('expireEnrollmentCodes', (budget) => expireEnrollmentCodes({ budget }));

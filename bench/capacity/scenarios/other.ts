/** The OAuth token endpoint and the two scheduled jobs. */
import { putClient } from '../../../lib/auth/credentials';
import { createBenchTenant } from '../../env';
import type { Scenario } from '../harness';
import { codesCourse } from '../world';

export const tokenScenario: Scenario<{ id: string; secret: string }> = {
  name: 'access_token',
  fn: 'accessToken',
  small: true,
  note: 'POST /oauth2/access_token, client credentials',
  reusable: true,
  prepare: async () => {
    const tenant = await createBenchTenant();
    const client = { id: `client-${tenant.tenantId}`, secret: 'capacity-secret-0123456789' };
    await putClient(client.id, client.secret, tenant.tenantId);
    return client;
  },
  call: ({ id, secret }) => ({
    http: {
      method: 'POST',
      path: '/oauth2/access_token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: id, client_secret: secret, grant_type: 'client_credentials' }).toString(),
    },
  }),
  minimum: { requests: 2, rounds: 2, rcu: 0.5, wru: 1, why: 'client lookup; the token item' },
};

/**
 * The jobs work on the whole database: run first (before the large data sets), over what the
 * scenarios before them built. Their figures say what one run reads for that much data.
 */
export const jobScenarios: Scenario<unknown>[] = [
  {
    name: 'expire_job',
    fn: 'expireEnrollmentCodes',
    small: false,
    note: 'hourly expiry job over the database as built so far (nothing due)',
    reusable: true,
    prepare: () => codesCourse(1000),
    call: () => ({ job: true }),
    minimum: { requests: 16, rounds: 1, rcu: 8, wru: 0, why: 'one Query per expiry shard, nothing due' },
  },
  {
    name: 'reconcile_job',
    fn: 'reconcile',
    small: false,
    note: 'daily reconcile over the units and enrollment tables as built so far',
    reusable: true,
    prepare: async () => undefined,
    call: () => ({ job: true }),
  },
];

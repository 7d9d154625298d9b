/**
 * The IAM statements the handler factory implies for an HTTP function, generated from its
 * handler path and routes instead of being copied into every functions.yml:
 *
 * - every function of an authenticated surface (units, inventory, enrollment) looks up the
 *   caller's credential: `dynamodb:GetItem` on the tenants table (lib/http/auth.ts);
 * - every POST and PUT of those surfaces takes an Idempotency-Key: the idempotency table's
 *   record actions (lib/http/idempotency.ts, lib/idempotency/repository.ts).
 *
 * Used by the stack plugin (scripts/stack-plugin.cjs adds them before roles are compiled) and by
 * scripts/functions.ts (so the template and events tests hold roles to the same list). A
 * function declares in its functions.yml only what its own code path calls.
 */
type Statement = { Effect: 'Allow'; Action: string[]; Resource: { 'Fn::GetAtt': [string, 'Arn'] } };

// webhooks: managed with the enrollment surface's Bearer credential (docs/EVENTS.md).
const AUTHENTICATED = ['units', 'inventory', 'enrollment', 'webhooks'];
export const IDEMPOTENCY_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'];

const onTable = (table: string, actions: string[]): Statement => ({ Effect: 'Allow', Action: actions, Resource: { 'Fn::GetAtt': [table, 'Arn'] } });

export function impliedStatements(fn: { handler: string; routes: { method: string }[] }): Statement[] {
  const surface = /^functions\/([^/]+)\//.exec(fn.handler)?.[1] ?? '';
  if (!AUTHENTICATED.includes(surface) || fn.routes.length === 0) return [];
  const writes = fn.routes.some((r) => ['POST', 'PUT'].includes(r.method.toUpperCase()));
  return [onTable('TenantsTable', ['dynamodb:GetItem']), ...(writes ? [onTable('IdempotencyTable', IDEMPOTENCY_ACTIONS)] : [])];
}

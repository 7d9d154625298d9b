/** Demo tenants and credentials (SPEC section 6). Written only where absent. */
import { putAllIfAbsent } from '../db/seed';
import { clientItem, credentialItem, tenantItem } from './credentials';

export async function seedDemoTenants(): Promise<void> {
  await putAllIfAbsent('tenants', [
    tenantItem({ id: 'demo', name: 'Demo', currency: 'USD' }),
    tenantItem({ id: 'other', name: 'Other', currency: 'USD' }),
    credentialItem('inventory', 'oid3vLgynoy_Yl1gZkrgkLEq3J', 'demo'),
    credentialItem('units', 'demo-ll-token', 'demo'),
    credentialItem('bearer', 'cbf6a5de322cf6a4323c957a882xy1s321c954b86', 'demo'),
    clientItem('demo-client', 'demo-secret', 'demo'),
    credentialItem('inventory', 'other-inventory-token', 'other'),
    credentialItem('units', 'other-ll-token', 'other'),
    credentialItem('bearer', 'other-bearer-token', 'other'),
  ]);
}

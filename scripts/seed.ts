/** Loads the demo data (SPEC section 6). Each loader is idempotent: a second run changes nothing. */
import { seedDemoTenants } from '../lib/auth/demo';
import { seedDemoEnrollment } from '../lib/enrollment/demo';
import { seedDemoInventory } from '../lib/inventory/demo';
import { seedDemoUnits } from '../lib/units/demo';
import { seedDemoWebhooks } from '../lib/webhooks/demo';

export async function seedDemo(): Promise<void> {
  await seedDemoTenants();
  await Promise.all([seedDemoUnits(), seedDemoInventory(), seedDemoEnrollment(), seedDemoWebhooks()]);
}

/** A unit's log (inventory records), oldest first; not paginated. */
import { renderRecord } from './model';
import { listRecords } from './repository';
import { ownedUnit } from './unit-change';

export async function unitRecords(tenantId: string, partId: number, id: number): Promise<Record<string, unknown>[]> {
  await ownedUnit(tenantId, partId, id);
  return (await listRecords(tenantId, id)).map(renderRecord);
}

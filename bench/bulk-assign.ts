/**
 * Scenario 4, bulk assign: `POST /api/v2/inventories/assign_units` with `courses` x `logins`
 * new pairs through the whole handler, against raw BatchWriteItem of the same number of
 * assignment bucket items (the module's own key design: one item per course and 128 login ids)
 * with the same number of requests
 * in flight as the domain's writer. Each round uses courses nobody assigned before.
 */
import { handler as assign } from '../functions/units/assign-units';
import { batchPutAll } from '../lib/db/batch';
import { tableName } from '../lib/db/tables';
import { assignmentBucketKey } from '../lib/units/keys';
import { groupByBucket } from '../lib/units/repository-buckets';
import { putUnitsData } from '../lib/units/repository';
import { lambdaContext } from '../scripts/lambda-context';
import { writeConcurrency } from '../lib/units/operation';
import { buildEvent } from '../test/helpers/http';
import { bulkFigures, bulkRounds } from './bulk';
import type { BenchTenant } from './env';
import { result, type Results } from './results';

/** The baseline keeps as many writes in flight as an assign does. */
const writerConcurrency = writeConcurrency;

/** Course codes of one round; warm-up rounds (negative) are smaller. */
const courseCodes = (side: 'A' | 'B', round: number, courses: number) =>
  Array.from({ length: courses }, (_, k) => `${side}${round < 0 ? `W${-round}` : round}-${k}`);

export async function bulkAssign(
  tenant: BenchTenant,
  sizes: { courses: number; logins: number; warmupCourses: number; rounds: number; warmup: number },
): Promise<Results> {
  const { logins, rounds, warmup } = sizes;
  const coursesIn = (round: number) => (round < 0 ? sizes.warmupCourses : sizes.courses);
  const loginIds = Array.from({ length: logins }, (_, i) => i + 1);
  const allRounds = [...Array.from({ length: warmup }, (_, i) => -1 - i), ...Array.from({ length: rounds }, (_, i) => i)];
  await putUnitsData(tenant.tenantId, {
    account: { unitsAvailable: sizes.courses * logins * allRounds.length, extraPayment: false },
    courses: allRounds.flatMap((r) => courseCodes('A', r, coursesIn(r))).map((code) => ({ code, name: code, unitCost: 1 })),
    logins: loginIds,
  });

  const measured = async (round: number) => {
    const event = buildEvent({
      method: 'POST',
      path: '/api/v2/inventories/assign_units',
      headers: { authorization: `Token token="${tenant.unitsToken}"` },
      body: { course_codes: courseCodes('A', round, coursesIn(round)), login_ids: loginIds },
    });
    const response = await assign(event, lambdaContext('assignUnits'));
    if (response.statusCode !== 200 || response.body !== '{}') {
      throw new Error(`assign_units answered ${response.statusCode}: ${response.body}`);
    }
  };
  const baseline = async (round: number) => {
    const buckets = [...groupByBucket(loginIds)];
    const items = courseCodes('B', round, coursesIn(round)).flatMap((code) =>
      buckets.map(([bucket, ids]) => ({ ...assignmentBucketKey(tenant.tenantId, code, bucket), ids: new Set(ids) })),
    );
    await batchPutAll(tableName('units'), items, { concurrency: writerConcurrency });
  };

  const samples = await bulkRounds({ rounds, warmup, measured, baseline });
  const { courses } = sizes;
  const pairs = courses * logins;
  return {
    bulk_assign: result({
      ...bulkFigures(samples),
      target: 1.5,
      unit: 'ms',
      on: 'info',
      note: `assign_units ${courses} courses x ${logins} logins (${pairs} new pairs) vs BatchWriteItem of the same pairs' bucket items, ${writerConcurrency} in flight, median of ${rounds} rounds`,
    }),
  };
}

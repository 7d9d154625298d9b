/**
 * Scenario 3, bulk codes: `POST /api/enrollment/v1/generate-codes` for `count` codes through
 * the whole handler, against raw BatchWriteItem of `count` equivalent code items (the module's
 * own codeItem builder, fresh codes, same GSI upkeep) with the same number of requests in
 * flight as the domain uses.
 */
import { generateCodes } from '../lib/enrollment/code-generator';
import { codeItem } from '../lib/enrollment/items';
import { putCourse } from '../lib/enrollment/repository';
import { batchPutAll } from '../lib/db/batch';
import { tableName } from '../lib/db/tables';
import { handler as generate } from '../functions/enrollment/generate-codes';
import { lambdaContext } from '../scripts/lambda-context';
import { buildEvent } from '../test/helpers/http';
import { bulkFigures, bulkRounds } from './bulk';
import type { BenchTenant } from './env';
import { result, type Results } from './results';

export const BENCH_COURSE = 'course-v1:Bench+Codes+2030';
/** Requests in flight in lib/enrollment/generate.ts; the baseline uses as many. */
const generateConcurrency = 8;

export async function generateThroughHandler(tenant: BenchTenant, count: number): Promise<string[]> {
  const event = buildEvent({
    method: 'POST',
    path: '/api/enrollment/v1/generate-codes',
    headers: { authorization: `Bearer ${tenant.bearerToken}` },
    body: { course_id: BENCH_COURSE, total_registration_codes: count },
  });
  const response = await generate(event, lambdaContext('generateEnrollmentCodes'));
  if (response.statusCode !== 200) throw new Error(`generate-codes answered ${response.statusCode}: ${response.body}`);
  const { codes } = JSON.parse(response.body) as { codes: string[] };
  if (codes.length !== count) throw new Error(`generate-codes returned ${codes.length} codes, expected ${count}`);
  return codes;
}

export async function rawCodeWrites(tenant: BenchTenant, count: number, concurrency: number): Promise<void> {
  const createdAt = new Date().toISOString();
  const items = generateCodes(count).map((code, idx) =>
    codeItem(tenant.tenantId, { code, courseId: BENCH_COURSE, status: 'active', createdAt }, { batch: 'bench', idx }),
  );
  await batchPutAll(tableName('enrollment'), items, { concurrency });
}

export async function bulkCodes(
  tenant: BenchTenant,
  sizes: { count: number; warmupCount: number; rounds: number; warmup: number },
): Promise<Results> {
  await putCourse(tenant.tenantId, { courseId: BENCH_COURSE });
  const size = (round: number) => (round < 0 ? sizes.warmupCount : sizes.count);
  const samples = await bulkRounds({
    rounds: sizes.rounds,
    warmup: sizes.warmup,
    measured: (round) => generateThroughHandler(tenant, size(round)),
    baseline: (round) => rawCodeWrites(tenant, size(round), generateConcurrency),
  });
  return {
    bulk_codes: result({
      ...bulkFigures(samples),
      target: 1.3,
      unit: 'ms',
      on: 'info',
      note: `generate-codes ${sizes.count} codes vs BatchWriteItem of ${sizes.count} code items, ${generateConcurrency} in flight, median of ${sizes.rounds} rounds`,
    }),
  };
}

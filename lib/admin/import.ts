/**
 * `import TENANT FILE`: a tenant's reference data from one JSON file, written with each
 * surface's own repository functions (upserts, so importing the same file again changes
 * nothing). Balances, assignments, stock and codes are not reference data and are not imported.
 *
 * {
 *   "courses":            [{ "code": "JHSC", "name": "Job Hazard Safety Certification", "unit_cost": 1 }],
 *   "logins":             [1, 2, 3],
 *   "enrollment_courses": [{ "course_id": "course-v1:Org+Code+Run", "enrollment_start": "2026-01-01",
 *                            "enrollment_end": "2026-12-31T23:59:59Z", "max_enrollments": 100 }],
 *   "units_of_measure":   [{ "id": 1, "name": "box" }],
 *   "locations":          [{ "id": 1, "name": "CDHQ" }],
 *   "sublocations":       [{ "id": 3, "name": "Bin 14", "location_id": 1 }],
 *   "parts":              [{ "id": 728, "part_number": "RES-10K-0603", "description": "Resistor 10k 0603" }]
 * }
 * Every key is optional. A sublocation names a location of the same file (its label
 * "<location> - <sublocation>" is built from it). Window bounds are instants: a date alone
 * means 00:00 UTC that day.
 */
import * as z from 'zod';
import { putCourse } from '../enrollment/repository';
import { forEachLimit } from '../db/concurrency';
import { upsertLocation, upsertSublocation, upsertUnitOfMeasure } from '../inventory/locations';
import { upsertPart } from '../inventory/parts';
import { upsertCourse } from '../units/courses';
import { upsertLogin } from '../units/logins';
import { CliError } from './errors';

const text = (max: number) => z.string().trim().min(1, 'must not be blank').max(max, `must be at most ${max} characters`);
const id = z.number().int('must be an integer').positive('must be a positive integer').max(Number.MAX_SAFE_INTEGER);
const instant = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO 8601 date or datetime');
const named = z.strictObject({ id, name: text(255) });

const fileSchema = z
  .strictObject({
    courses: z.array(z.strictObject({ code: text(100), name: text(255), unit_cost: z.number().int().min(0).optional() })).optional(),
    logins: z.array(id).optional(),
    enrollment_courses: z
      .array(
        z.strictObject({
          course_id: text(255),
          enrollment_start: instant.optional(),
          enrollment_end: instant.optional(),
          max_enrollments: z.number().int().min(0).optional(),
        }),
      )
      .optional(),
    units_of_measure: z.array(named).optional(),
    locations: z.array(named).optional(),
    sublocations: z.array(named.extend({ location_id: id })).optional(),
    parts: z
      .array(
        z.strictObject({
          id,
          part_number: text(255),
          description: z.string().max(1000).default(''),
          manufacturer: z.string().max(255).optional(),
          manufacturer_part_number: z.string().max(255).optional(),
        }),
      )
      .optional(),
  })
  .superRefine((file, ctx) => {
    const unique = (list: string, values: (string | number)[]) =>
      values.forEach((value, i) => {
        const first = values.indexOf(value);
        if (first !== i) ctx.addIssue({ code: 'custom', path: [list, i], message: `duplicate of ${list}[${first}] (${value})` });
      });
    unique('courses', (file.courses ?? []).map((c) => c.code));
    unique('logins', file.logins ?? []);
    unique('enrollment_courses', (file.enrollment_courses ?? []).map((c) => c.course_id));
    for (const list of ['units_of_measure', 'locations', 'sublocations', 'parts'] as const) unique(list, (file[list] ?? []).map((x) => x.id));
    const locations = new Set((file.locations ?? []).map((l) => l.id));
    (file.sublocations ?? []).forEach((s, i) => {
      if (!locations.has(s.location_id)) {
        ctx.addIssue({ code: 'custom', path: ['sublocations', i, 'location_id'], message: `no location ${s.location_id} in this file` });
      }
    });
  });

export type ImportFile = z.output<typeof fileSchema>;

/** `parts[3].part_number` */
function pathText(path: PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('') || '(file)';
}

/** The file's content, or a CliError listing every problem with the path of the bad entry. */
export function parseImportFile(data: unknown): ImportFile {
  const result = fileSchema.safeParse(data, {
    error: (issue) => (issue.code === 'invalid_type' && issue.input === undefined ? 'required' : undefined),
  });
  if (result.success) return result.data;
  const lines = result.error.issues.slice(0, 20).map((issue) => {
    if (issue.code === 'unrecognized_keys') return issue.keys.map((k) => `${pathText([...issue.path, k])}: unknown key`).join('\n');
    return `${pathText(issue.path)}: ${issue.message}`;
  });
  const more = result.error.issues.length > 20 ? `\n... and ${result.error.issues.length - 20} more` : '';
  throw new CliError(`invalid import file:\n${lines.join('\n')}${more}`);
}

export type ImportCounts = Record<keyof ImportFile, number>;

export async function importTenantData(tenantId: string, file: ImportFile): Promise<ImportCounts> {
  const each = <T>(items: T[] | undefined, fn: (item: T) => Promise<unknown>) => forEachLimit(items ?? [], 8, async (item) => void (await fn(item)));
  // The same domain code as the HTTP endpoints (ids, list positions, uniqueness claims).
  await each(file.courses, (c) => upsertCourse(tenantId, c));
  await each(file.logins, (id) => upsertLogin(tenantId, { id }));
  await each(file.enrollment_courses, (c) =>
    putCourse(tenantId, {
      courseId: c.course_id,
      ...(c.enrollment_start ? { enrollmentStart: c.enrollment_start } : {}),
      ...(c.enrollment_end ? { enrollmentEnd: c.enrollment_end } : {}),
      ...(c.max_enrollments === undefined ? {} : { maxEnrollments: c.max_enrollments }),
    }),
  );
  // The same domain code as the HTTP endpoints (ids, list positions, part number claims).
  await each(file.units_of_measure, (u) => upsertUnitOfMeasure(tenantId, u));
  await each(file.locations, (l) => upsertLocation(tenantId, l));
  await each(file.sublocations, (s) => upsertSublocation(tenantId, s));
  await each(file.parts, (p) => upsertPart(tenantId, p));
  return {
    courses: file.courses?.length ?? 0,
    logins: file.logins?.length ?? 0,
    enrollment_courses: file.enrollment_courses?.length ?? 0,
    units_of_measure: file.units_of_measure?.length ?? 0,
    locations: file.locations?.length ?? 0,
    sublocations: file.sublocations?.length ?? 0,
    parts: file.parts?.length ?? 0,
  };
}

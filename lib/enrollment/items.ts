/**
 * The enrollment table's items: what each holds beside its key (keys.ts builds the keys and
 * holds the layout).
 */
import type { CodeRecord, Course } from './model';
import {
  blockKey,
  blockSize,
  changedCodeIndex,
  codeCountKey,
  codeKey,
  courseKey,
  enrollListPk,
  enrollmentKey,
  expiryShard,
  seqKey,
} from './keys';

export const enrollmentItem = (tenantId: string, e: { courseId: string; email: string; code: string; enrolledAt: string; pos: number }) => ({
  ...enrollmentKey(tenantId, e.courseId, e.email),
  ...e,
  gsi1pk: enrollListPk(tenantId, e.courseId),
  gsi1sk: seqKey(e.pos),
});

/** Window bounds are normalised to `toISOString()` form, so enrollmentOpen can compare them as strings. */
export const courseItem = (tenantId: string, course: Course) => ({
  ...courseKey(tenantId, course.courseId),
  ...course,
  ...(course.enrollmentStart ? { enrollmentStart: new Date(course.enrollmentStart).toISOString() } : {}),
  ...(course.enrollmentEnd ? { enrollmentEnd: new Date(course.enrollmentEnd).toISOString() } : {}),
});

/**
 * Where a code sits: written listed at once, its listing position; written by a generate
 * request's batch, the batch and its index there (the position follows from the batch's commit).
 */
export type CodePlace = { seq: number } | { batch: string; idx: number };


export const codeItem = (tenantId: string, record: CodeRecord, place: CodePlace) => ({
  ...codeKey(tenantId, record.code),
  ...record,
  ...place,
  // Only codes created active with an expiry are in the expiry index (both its key attributes exist).
  ...(record.status === 'active' && record.expiresAt ? { gsi2pk: expiryShard(tenantId, record.code) } : {}),
  ...('seq' in place && (record.status !== 'active' || record.email) ? changedCodeIndex(tenantId, record.courseId, place.seq) : {}),
});

/** Listed codes from position `start` on, all created at `createdAt` with the same expiry. */
export interface Block {
  start: number;
  codes: string[];
  createdAt: string;
  expiresAt?: string;
}

export const blockItem = (tenantId: string, courseId: string, block: Block) => ({
  ...blockKey(tenantId, courseId, block.start),
  codes: block.codes,
  createdAt: block.createdAt,
  ...(block.expiresAt ? { expiresAt: block.expiresAt } : {}),
});

/** Consecutive codes with the same dates share a block, up to blockSize. */
export function blocksOf(records: CodeRecord[], start: number): Block[] {
  const blocks: Block[] = [];
  records.forEach((r, i) => {
    const last = blocks.at(-1);
    if (last && last.codes.length < blockSize && last.createdAt === r.createdAt && last.expiresAt === r.expiresAt) {
      last.codes.push(r.code);
    } else {
      blocks.push({ start: start + i, codes: [r.code], createdAt: r.createdAt, ...(r.expiresAt ? { expiresAt: r.expiresAt } : {}) });
    }
  });
  return blocks;
}

export const codeCountItem = (tenantId: string, courseId: string, count: number) => ({ ...codeCountKey(tenantId, courseId), codes: count });

/**
 * The items of codes listed at once from position `start` (one course): the codes and their
 * blocks. The course's count (codeCountItem) moves to start + records.length.
 */
export function listedItems(tenantId: string, courseId: string, records: CodeRecord[], start: number) {
  return {
    codes: records.map((record, idx) => codeItem(tenantId, record, { seq: start + idx })),
    blocks: blocksOf(records, start).map((block) => blockItem(tenantId, courseId, block)),
  };
}

export interface PendingBatch {
  id: string;
  courseId: string;
  createdAt: string;
  codes: string[];
  /** From then on the expiry job treats the batch as abandoned. */
  staleAt: string;
}


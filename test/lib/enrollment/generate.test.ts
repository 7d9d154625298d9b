/**
 * A generated code that already exists in the tenant is replaced, never stored twice. Chance
 * collisions are too rare to wait for, so the generator is made to propose a taken code first.
 */
import { describe, expect, it, vi } from 'vitest';
import { generateCourseCodes } from '../../../lib/enrollment/generate';
import { getCode, insertCodes, putCourse } from '../../../lib/enrollment/repository';

const proposals = vi.hoisted(() => ({ queue: [] as string[] }));

vi.mock('../../../lib/enrollment/code-generator', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../lib/enrollment/code-generator')>();
  return {
    ...real,
    // Hands out queued codes first (duplicates included), then real ones.
    generateCodes: (count: number, taken: Set<string> = new Set()) =>
      Array.from({ length: count }, () => {
        const code = proposals.queue.shift() ?? real.generateCodes(1, taken)[0]!;
        taken.add(code);
        return code;
      }),
  };
});

describe('generateCourseCodes', () => {
  it('replaces only the colliding code and leaves the existing one untouched', async () => {
    const tenantId = `gen-${Date.now()}`;
    await putCourse(tenantId, { courseId: 'old' });
    await putCourse(tenantId, { courseId: 'new' });
    const createdAt = '2024-01-01T00:00:00.000Z';
    expect(await insertCodes(tenantId, [{ code: 'TAKEN001', courseId: 'old', status: 'active', createdAt }])).toEqual([]);

    proposals.queue.push('FRESH001', 'TAKEN001', 'FRESH002');
    const codes = await generateCourseCodes(tenantId, 'new', 3);

    expect(codes).toHaveLength(3);
    expect(codes[0]).toBe('FRESH001');
    expect(codes[1]).not.toBe('TAKEN001');
    expect(codes[2]).toBe('FRESH002');
    for (const code of codes) expect(await getCode(tenantId, code)).toMatchObject({ courseId: 'new', status: 'active' });
    expect(await getCode(tenantId, 'TAKEN001')).toEqual({ code: 'TAKEN001', courseId: 'old', status: 'active', createdAt });
  });
});

/**
 * Calls the four enrollment handlers as API Gateway would, with a tenant's bearer token.
 * Not a test file: shared by the tests in this folder.
 */
import { handler as enrollHandler } from '../../../functions/enrollment/enroll-user-with-code';
import { handler as statusHandler } from '../../../functions/enrollment/enrollment-code-status';
import { handler as generateHandler } from '../../../functions/enrollment/generate-codes';
import { handler as listHandler } from '../../../functions/enrollment/list-codes';
import { call, type Response } from '../../helpers/http';

export const paths = {
  generate: '/api/enrollment/v1/generate-codes',
  enroll: '/api/enrollment/v1/enroll-user-with-code',
  status: '/api/enrollment/v1/enrollment-code-status',
  codes: '/api/enrollment/v1/codes',
} as const;

export const handlers = { generate: generateHandler, enroll: enrollHandler, status: statusHandler, codes: listHandler };

type Body = Record<string, unknown>;

export function api(token: string) {
  const headers = { Authorization: `Bearer ${token}` };
  const post = (name: 'generate' | 'enroll' | 'status', body: Body | string, extra: Record<string, string> = {}) =>
    call(handlers[name], { method: 'POST', path: paths[name], headers: { ...headers, ...extra }, body });
  return {
    generate: (body: Body | string, extra?: Record<string, string>) => post('generate', body, extra),
    enroll: (body: Body | string, extra?: Record<string, string>) => post('enroll', body, extra),
    status: (body: Body | string, extra?: Record<string, string>) => post('status', body, extra),
    codes: (query: Record<string, string>, extra: Record<string, string> = {}): Promise<Response> =>
      call(listHandler, { method: 'GET', path: `${paths.codes}?${new URLSearchParams(query)}`, headers: { ...headers, ...extra } }),
    /** Generates `count` codes and returns them (asserting success so a broken setup fails loudly). */
    async codesFor(courseId: string, count: number): Promise<string[]> {
      const res = await post('generate', { course_id: courseId, total_registration_codes: count });
      if (res.statusCode !== 200) throw new Error(`generate failed: ${res.statusCode} ${res.body}`);
      return (res.json as { codes: string[] }).codes;
    },
  };
}

export const failure = (reason: string) => ({ success: 'false', reason });
export const success = { success: 'true' };

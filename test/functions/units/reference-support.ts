/** Calls the course-units reference data handlers (logins, courses) with a tenant's token. Not a test file. */
import { handler as assign } from '../../../functions/units/assign-units';
import { handler as createCourse } from '../../../functions/units/create-course';
import { handler as createLogin } from '../../../functions/units/create-login';
import { handler as listCourses } from '../../../functions/units/list-courses';
import { handler as listLogins } from '../../../functions/units/list-logins';
import { handler as showLogin } from '../../../functions/units/show-login';
import { handler as updateCourse } from '../../../functions/units/update-course';
import { handler as updateLogin } from '../../../functions/units/update-login';
import { call, type Response } from '../../helpers/http';

export const unitsReferenceEndpoints = {
  listLogins: { fn: listLogins, method: 'GET', route: '/api/v2/logins' },
  createLogin: { fn: createLogin, method: 'POST', route: '/api/v2/logins' },
  showLogin: { fn: showLogin, method: 'GET', route: '/api/v2/logins/{id}' },
  updateLogin: { fn: updateLogin, method: 'PUT', route: '/api/v2/logins/{id}' },
  listCourses: { fn: listCourses, method: 'GET', route: '/api/v2/courses' },
  createCourse: { fn: createCourse, method: 'POST', route: '/api/v2/courses' },
  updateCourse: { fn: updateCourse, method: 'PUT', route: '/api/v2/courses/{code}' },
  assign: { fn: assign, method: 'POST', route: '/api/v2/inventories/assign_units' },
} as const;

export interface UnitsSend {
  params?: Record<string, string | number>;
  suffix?: '.xml' | '.json';
  query?: string;
  body?: string | Record<string, unknown>;
  headers?: Record<string, string>;
}

export function sendUnits(token: string, name: keyof typeof unitsReferenceEndpoints, s: UnitsSend = {}): Promise<Response> {
  const { fn, method, route } = unitsReferenceEndpoints[name];
  const suffix = s.suffix ?? '';
  let path: string = route;
  for (const [k, v] of Object.entries(s.params ?? {})) path = path.replace(`{${k}}`, encodeURIComponent(String(v)));
  return call(fn, {
    method,
    route: route.endsWith('}') ? route : route + suffix,
    path: path + suffix + (s.query ? `?${s.query}` : ''),
    body: s.body,
    headers: { Authorization: `Token token="${token}"`, ...s.headers },
  });
}

export const errorOf = (res: Response) => (res.json as { errors: string }).errors;

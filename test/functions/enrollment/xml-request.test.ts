/**
 * XML request bodies on the enrollment surface are read as Django REST framework's XMLParser
 * reads them (Open edX): the document element's children, whatever the element is called.
 * DRF's XMLRenderer writes `<root>`; the earlier document said `<request>`: both work.
 */
import { beforeAll, expect, it } from 'vitest';
import { handler as createCourse } from '../../../functions/enrollment/create-course';
import { call } from '../../helpers/http';
import { createTenant, type TestTenant } from '../../helpers/tenants';

let tenant: TestTenant;
beforeAll(async () => {
  tenant = await createTenant('xmlroot');
});

const post = (xml: string) =>
  call(createCourse, {
    method: 'POST',
    path: '/api/enrollment/v1/courses',
    headers: { authorization: `Bearer ${tenant.bearerToken}`, 'content-type': 'application/xml' },
    body: xml,
  });

it.each(['root', 'request', 'anything'])('reads the fields inside <%s>', async (root) => {
  const id = `course-v1:Xml+${root}+2026`;
  const res = await post(`<?xml version="1.0"?><${root}><course_id>${id}</course_id><max_enrollments type="integer">5</max_enrollments></${root}>`);
  expect(res.statusCode).toBe(201);
  expect(JSON.parse(res.body)).toMatchObject({ course_id: id, max_enrollments: 5 });
});

it('answers 400 with the field name when the root holds no course_id', async () => {
  const res = await post('<root><max_enrollments>5</max_enrollments></root>');
  expect(res.statusCode).toBe(400);
  expect(JSON.parse(res.body)).toMatchObject({ success: 'false', reason: expect.stringMatching(/^course_id/) });
});

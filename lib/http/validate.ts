/** zod validation of the request, its failures phrased to name the field. */
import type { z } from 'zod';
import { NotFoundError, ValidationError } from '../errors';

export interface RequestInput {
  path: Record<string, string>;
  query: Record<string, unknown>;
  body: unknown;
  headers: Record<string, string | undefined>;
}

/** "email is required", "total_registration_codes must be at most 10000": field first. */
export function describeIssue(issue: z.core.$ZodIssue): string {
  const field = issue.path.slice(1).map(String).join('.') || issue.path.map(String).join('.') || 'request';
  if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) return `${field} is required`;
  // Custom messages written in the schemas already start with the field name.
  if (issue.message.startsWith(field)) return issue.message;
  return `${field} ${issue.message.replace(/^Invalid input: /, '').replace(/^./, (c) => c.toLowerCase())}`;
}

export function validate<S extends z.ZodType>(schema: S, input: RequestInput): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  // A path segment that is not a well-formed id names no resource.
  if (issue.path[0] === 'path') throw new NotFoundError();
  throw new ValidationError(describeIssue(issue), { cause: result.error });
}

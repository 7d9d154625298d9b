/**
 * The packaged stacks (serverless-plugin-split-stacks: the root template plus one template per
 * nested stack, scripts/stack-split.cjs) read back, and merged into the one template they stand
 * for: each nested resource with its parameters replaced by what the root passes them, so
 * `{Ref: TenantsTableArnParameter}` reads `!GetAtt TenantsTable.Arn` again. The checks on roles,
 * alarms and tables then hold whatever stack a resource is in.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string; UpdateReplacePolicy?: string };
export interface Template {
  Parameters?: Record<string, unknown>;
  Resources: Record<string, Resource>;
  Outputs?: Record<string, { Value: unknown }>;
}
export interface PackagedStack {
  /** `root`, or the nested stack's logical id in the root template. */
  name: string;
  path: string;
  bytes: number;
  template: Template;
}

function substitute(value: unknown, parameters: Record<string, unknown>): unknown {
  if (Array.isArray(value)) return value.map((v) => substitute(v, parameters));
  if (value && typeof value === 'object') {
    const ref = (value as { Ref?: unknown }).Ref;
    if (typeof ref === 'string' && Object.keys(value).length === 1 && ref in parameters) return parameters[ref];
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, parameters)]));
  }
  return value;
}

export function readStacks(dir: string): { stacks: PackagedStack[]; merged: Template } {
  const read = (path: string): PackagedStack['template'] => JSON.parse(readFileSync(path, 'utf8')) as Template;
  const rootPath = join(dir, 'cloudformation-template-update-stack.json');
  const root = read(rootPath);
  const stacks: PackagedStack[] = [{ name: 'root', path: rootPath, bytes: readFileSync(rootPath).length, template: root }];
  const merged: Template = { Resources: {}, Outputs: root.Outputs ?? {} };
  for (const [id, resource] of Object.entries(root.Resources)) {
    merged.Resources[id] = resource;
    if (resource.Type !== 'AWS::CloudFormation::Stack') continue;
    const url = JSON.stringify(resource.Properties.TemplateURL);
    const file = /cloudformation-template-[A-Za-z0-9-]+\.json/.exec(url)?.[0];
    if (!file) throw new Error(`nested stack ${id} names no template file: ${url}`);
    const path = join(dir, file);
    const template = read(path);
    stacks.push({ name: id, path, bytes: readFileSync(path).length, template });
    const parameters = (resource.Properties.Parameters ?? {}) as Record<string, unknown>;
    for (const [nestedId, nested] of Object.entries(template.Resources)) {
      if (merged.Resources[nestedId]) throw new Error(`${nestedId} is in two stacks`);
      merged.Resources[nestedId] = substitute(nested, parameters) as Resource;
    }
  }
  return { stacks, merged };
}

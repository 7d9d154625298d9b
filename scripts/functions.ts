/**
 * The functions declared in serverless.yml (including the per-surface `${file(...)}` includes),
 * for the tools that go over every function: invoke, the events/ test, the auth matrix, bench.
 */
import { resolve } from 'node:path';
import { impliedStatements } from './implied-iam';
import { readServerlessYaml, repoRoot } from './serverless-yml';

export interface HttpRoute {
  method: string;
  path: string;
}

export interface FunctionDefinition {
  name: string;
  /** `functions/inventory/show.handler` */
  handler: string;
  /** Source file of the handler, absolute. */
  sourcePath: string;
  /** Export name of the handler. */
  exportName: string;
  routes: HttpRoute[];
  schedules: string[];
  /** Event sources other than HTTP and schedules: a table's stream (`stream`), a queue (`sqs`). */
  sources: ('stream' | 'sqs')[];
  /** The tables whose streams trigger it (logical ids, from `stream.arn: !GetAtt <Table>.StreamArn`). */
  streamTables: string[];
  /**
   * The function's IAM statements (serverless-iam-roles-per-function), CloudFormation tags in long
   * form: those the handler factory implies (scripts/implied-iam.ts), then its functions.yml's own.
   */
  iamRoleStatements: Yaml[];
}

type Yaml = Record<string, unknown>;

const fileInclude = /^\$\{file\(([^)]+)\)\}$/;

function definitions(): Yaml {
  const entries = readServerlessYaml().functions;
  const list = Array.isArray(entries) ? entries : [entries];
  const merged: Yaml = {};
  for (const entry of list) {
    const include = typeof entry === 'string' ? fileInclude.exec(entry) : null;
    const block = include ? readServerlessYaml(resolve(repoRoot, include[1]!)) : entry;
    Object.assign(merged, block ?? {});
  }
  return merged;
}

export function listFunctions(): FunctionDefinition[] {
  return Object.entries(definitions()).map(([name, raw]) => {
    const def = raw as { handler: string; events?: Yaml[]; iamRoleStatements?: Yaml[] };
    const dot = def.handler.lastIndexOf('.');
    const routes: HttpRoute[] = [];
    const schedules: string[] = [];
    const sources: ('stream' | 'sqs')[] = [];
    const streamTables: string[] = [];
    for (const event of def.events ?? []) {
      const http = event.httpApi as HttpRoute | undefined;
      if (http) routes.push({ method: http.method.toUpperCase(), path: http.path });
      const schedule = event.schedule as string | { rate: string | string[] } | undefined;
      if (schedule) schedules.push(JSON.stringify(typeof schedule === 'string' ? schedule : schedule.rate));
      if (event.stream) {
        sources.push('stream');
        const arn = (event.stream as { arn?: { 'Fn::GetAtt'?: string[] } }).arn?.['Fn::GetAtt'];
        if (arn?.[1] === 'StreamArn') streamTables.push(arn[0]!);
      }
      if (event.sqs) sources.push('sqs');
    }
    return {
      name,
      handler: def.handler,
      sourcePath: resolve(repoRoot, `${def.handler.slice(0, dot)}.ts`),
      exportName: def.handler.slice(dot + 1),
      routes,
      schedules,
      sources,
      streamTables,
      iamRoleStatements: [...impliedStatements({ handler: def.handler, routes }), ...(def.iamRoleStatements ?? [])],
    };
  });
}

export function findFunction(name: string): FunctionDefinition {
  const all = listFunctions();
  const found = all.find((f) => f.name === name);
  if (!found) throw new Error(`unknown function ${name}; known: ${all.map((f) => f.name).join(', ')}`);
  return found;
}

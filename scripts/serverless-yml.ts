/**
 * Reading serverless.yml outside the Serverless Framework: the YAML with CloudFormation short
 * tags, and the few Serverless variables the local tools need resolved for a stage. The
 * tables (scripts/tables.ts), the function list (scripts/functions.ts) and the tests read
 * the file through here, so it stays the one definition of tables and functions.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CORE_SCHEMA, defineMappingTag, defineScalarTag, defineSequenceTag, load } from 'js-yaml';

// import.meta.dirname works under tsx (CJS or ESM) and vitest, whatever package.json "type" says
export const repoRoot = resolve(import.meta.dirname, '..');
export const serverlessYmlPath = resolve(repoRoot, 'serverless.yml');

export type Yaml = unknown;
export type YamlObject = Record<string, Yaml>;

// ---------------------------------------------------------------------------------------
// YAML with CloudFormation short tags (!Ref, !GetAtt, !Sub, !If, ...): each becomes the long
// form (`{ Ref: x }`, `{ 'Fn::GetAtt': [...] }`) so the document loads whatever it contains.

function longName(tag: string): string {
  const name = tag.slice(1);
  return name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
}

const cfnScalar = defineScalarTag('!', {
  matchByTagPrefix: true,
  resolve: (source, _explicit, tag) => {
    // !GetAtt A.B is shorthand for [A, B]
    if (tag === '!GetAtt') return { 'Fn::GetAtt': source.split('.') };
    return { [longName(tag)]: source };
  },
  identify: () => false,
});

const cfnSequence = defineSequenceTag('!', {
  matchByTagPrefix: true,
  create: (tag: string) => ({ tag, items: [] as unknown[] }),
  addItem: (carrier, item) => {
    carrier.items.push(item);
  },
  finalize: (carrier) => ({ [longName(carrier.tag)]: carrier.items }),
  identify: () => false,
});

const cfnMapping = defineMappingTag('!', {
  matchByTagPrefix: true,
  create: (tag: string) => ({ tag, map: {} as YamlObject }),
  addPair: (carrier, key, value) => {
    if (typeof key !== 'string') return 'non-string key';
    carrier.map[key] = value;
    return '';
  },
  has: (carrier, key) => typeof key === 'string' && Object.hasOwn(carrier.map, key),
  keys: (result: YamlObject) => Object.keys(result),
  get: (result: YamlObject, key) => result[String(key)],
  finalize: (carrier) => ({ [longName(carrier.tag)]: carrier.map }),
  identify: () => false,
});

const cfnSchema = CORE_SCHEMA.withTags(cfnScalar, cfnSequence, cfnMapping);

export function readServerlessYaml(path = serverlessYmlPath): YamlObject {
  const doc = load(readFileSync(path, 'utf8'), { schema: cfnSchema });
  if (!isObject(doc)) throw new Error(`${path}: not a YAML mapping`);
  return doc;
}

// ---------------------------------------------------------------------------------------
// Serverless variables: only the few the table definitions need.
//   ${self:a.b.c}   another value of the same file (resolved recursively)
//   ${sls:stage}    the stage
//   ${opt:stage}    the stage; any other ${opt:...} is unset, so its fallback applies
//   ${x, 'literal'} / ${x, self:y}  fallbacks
// Anything else (env:, file(), ssm:, cf:, aws:, ...) is an error: the local tables must not
// depend on the caller's environment or on AWS.

export function isObject(value: Yaml): value is YamlObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const variablePattern = /\$\{([^${}]+)\}/;

interface ResolveContext {
  doc: YamlObject;
  stage: string;
  /** self: paths being resolved, to report cycles */
  stack: string[];
}

function lookupSelf(path: string, ctx: ResolveContext): Yaml {
  if (ctx.stack.includes(path)) throw new Error(`cyclic variable \${self:${[...ctx.stack, path].join(' -> ')}}`);
  let value: Yaml = ctx.doc;
  for (const key of path.split('.')) {
    if (!isObject(value) || !Object.hasOwn(value, key)) return undefined;
    value = value[key];
  }
  return resolveValue(value, { ...ctx, stack: [...ctx.stack, path] }, `self:${path}`);
}

function resolveSource(source: string, ctx: ResolveContext, where: string): Yaml {
  const literal = /^(['"])(.*)\1$/.exec(source);
  if (literal) return literal[2];
  if (/^-?\d+(\.\d+)?$/.test(source)) return Number(source);
  const match = /^(\w+):(.*)$/.exec(source);
  if (match) {
    const [, kind, arg = ''] = match;
    if (kind === 'self') return lookupSelf(arg, ctx);
    if (kind === 'sls' && arg === 'stage') return ctx.stage;
    if (kind === 'opt') return arg === 'stage' ? ctx.stage : undefined;
    if (kind === 'env') return process.env[arg];
  }
  throw new Error(
    `serverless.yml ${where}: unsupported variable source "${source}" ` +
      '(scripts/serverless-yml.ts resolves only self:, sls:stage, opt:, env: and quoted fallbacks)',
  );
}

function resolveVariable(body: string, ctx: ResolveContext, where: string): Yaml {
  // split on commas outside quotes
  const sources = body.match(/'[^']*'|"[^"]*"|[^,]+/g)?.map((s) => s.trim()).filter(Boolean) ?? [];
  for (const source of sources) {
    const value = resolveSource(source, ctx, where);
    if (value !== undefined && value !== null) return value;
  }
  throw new Error(`serverless.yml ${where}: variable \${${body}} resolves to nothing`);
}

function resolveString(text: string, ctx: ResolveContext, where: string): Yaml {
  let current = text;
  for (;;) {
    const match = variablePattern.exec(current);
    if (!match) return current;
    const value = resolveVariable(match[1] ?? '', ctx, where);
    if (match[0] === current) {
      // the whole string is one variable: keep the value's type (object, number...)
      if (typeof value !== 'string') return value;
      current = value;
      continue;
    }
    if (typeof value === 'object') {
      throw new Error(`serverless.yml ${where}: \${${match[1]}} is not a scalar but is used inside a string`);
    }
    current = current.slice(0, match.index) + String(value) + current.slice(match.index + match[0].length);
  }
}

function resolveValue(value: Yaml, ctx: ResolveContext, where: string): Yaml {
  if (typeof value === 'string') return resolveString(value, ctx, where);
  if (Array.isArray(value)) return value.map((item, i) => resolveValue(item, ctx, `${where}[${i}]`));
  if (isObject(value)) {
    const out: YamlObject = {};
    for (const [key, item] of Object.entries(value)) out[key] = resolveValue(item, ctx, `${where}.${key}`);
    return out;
  }
  return value;
}

/** Resolves the variables of one part of serverless.yml (a `self:` path) for a stage. */
export function resolveServerlessPath(path: string, stage: string, doc = readServerlessYaml()): Yaml {
  return lookupSelf(path, { doc, stage, stack: [] });
}

/** Resolves the variables inside `value` (a part of `doc`, found at `where`) for a stage. */
export function resolveIn(doc: YamlObject, stage: string, value: Yaml, where: string): Yaml {
  return resolveValue(value, { doc, stage, stack: [] }, where);
}

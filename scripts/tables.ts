/**
 * The DynamoDB tables, read from serverless.yml `resources.Resources` (the only schema
 * definition), turned into CreateTable inputs for DynamoDB Local.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  type CreateTableCommandInput,
  type GlobalSecondaryIndex,
  paginateListTables,
  ResourceInUseException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { CORE_SCHEMA, defineMappingTag, defineScalarTag, defineSequenceTag, load } from 'js-yaml';

// import.meta.dirname works under tsx (CJS or ESM) and vitest, whatever package.json "type" says
export const repoRoot = resolve(import.meta.dirname, '..');
export const serverlessYmlPath = resolve(repoRoot, 'serverless.yml');

export interface TableDefinition {
  /** The CloudFormation logical id (e.g. `UnitsTable`). */
  logicalId: string;
  create: CreateTableCommandInput;
  /** From TimeToLiveSpecification; applied with UpdateTimeToLive after creation. */
  ttlAttribute?: string;
}

type Yaml = unknown;
type YamlObject = Record<string, Yaml>;

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

function isObject(value: Yaml): value is YamlObject {
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
  }
  throw new Error(
    `serverless.yml ${where}: unsupported variable source "${source}" ` +
      '(scripts/tables.ts resolves only self:, sls:stage, opt: and quoted fallbacks)',
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

// ---------------------------------------------------------------------------------------
// Table definitions

function assertNoIntrinsics(value: Yaml, where: string): void {
  if (Array.isArray(value)) value.forEach((item, i) => assertNoIntrinsics(item, `${where}[${i}]`));
  else if (isObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (key === 'Ref' || key === 'Condition' || key.startsWith('Fn::')) {
        throw new Error(
          `serverless.yml ${where}: CloudFormation function ${key} cannot be evaluated for DynamoDB Local`,
        );
      }
      assertNoIntrinsics(item, `${where}.${key}`);
    }
  }
}

function gsi(index: YamlObject): GlobalSecondaryIndex {
  // ProvisionedThroughput, OnDemandThroughput, WarmThroughput, ContributorInsights... dropped
  const { IndexName, KeySchema, Projection } = index;
  return { IndexName, KeySchema, Projection } as GlobalSecondaryIndex;
}

/**
 * CreateTable inputs for every `AWS::DynamoDB::Table` in serverless.yml, for a stage.
 * Only what DynamoDB Local's CreateTable takes is kept: TableName, KeySchema,
 * AttributeDefinitions, Global/LocalSecondaryIndexes; billing is PAY_PER_REQUEST. Point-in-time
 * recovery, deletion protection, tags, SSE, streams, contributor insights... are dropped; TTL
 * is returned apart (ttlAttribute) for an UpdateTimeToLive after creation.
 */
export function tableDefinitions(stage: string, doc = readServerlessYaml()): TableDefinition[] {
  const resources = (doc.resources as YamlObject | undefined)?.Resources;
  if (!isObject(resources)) throw new Error('serverless.yml has no resources.Resources');
  const ctx: ResolveContext = { doc, stage, stack: [] };
  const definitions: TableDefinition[] = [];
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (!isObject(resource) || resource.Type !== 'AWS::DynamoDB::Table') continue;
    const where = `resources.Resources.${logicalId}.Properties`;
    if (!isObject(resource.Properties)) throw new Error(`serverless.yml ${where} is missing`);
    const raw = resource.Properties;
    const pick = (key: string) => {
      if (raw[key] === undefined) return undefined;
      const value = resolveValue(raw[key], ctx, `${where}.${key}`);
      assertNoIntrinsics(value, `${where}.${key}`);
      return value;
    };
    const tableName = pick('TableName');
    if (typeof tableName !== 'string' || !tableName) {
      throw new Error(`serverless.yml ${where}.TableName must be set (DynamoDB Local needs a fixed name)`);
    }
    const create: CreateTableCommandInput = {
      TableName: tableName,
      KeySchema: pick('KeySchema') as CreateTableCommandInput['KeySchema'],
      AttributeDefinitions: pick('AttributeDefinitions') as CreateTableCommandInput['AttributeDefinitions'],
      BillingMode: 'PAY_PER_REQUEST',
    };
    const gsis = pick('GlobalSecondaryIndexes');
    if (Array.isArray(gsis) && gsis.length) create.GlobalSecondaryIndexes = gsis.filter(isObject).map(gsi);
    const lsis = pick('LocalSecondaryIndexes');
    if (Array.isArray(lsis) && lsis.length) {
      create.LocalSecondaryIndexes = lsis as CreateTableCommandInput['LocalSecondaryIndexes'];
    }
    const definition: TableDefinition = { logicalId, create };
    const ttl = pick('TimeToLiveSpecification');
    if (isObject(ttl) && ttl.Enabled === true && typeof ttl.AttributeName === 'string') {
      definition.ttlAttribute = ttl.AttributeName;
    }
    definitions.push(definition);
  }
  return definitions;
}

// ---------------------------------------------------------------------------------------
// Creating them

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

async function waitUntilActive(client: DynamoDBClient, TableName: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName }));
    const busy =
      Table?.TableStatus !== 'ACTIVE' ||
      (Table.GlobalSecondaryIndexes ?? []).some((index) => index.IndexStatus !== 'ACTIVE');
    if (!busy) return;
    if (Date.now() > deadline) throw new Error(`table ${TableName} not ACTIVE after ${timeoutMs} ms`);
    await sleep(100);
  }
}

export interface EnsureResult {
  created: string[];
  existing: string[];
}

/**
 * Creates the tables of `stage` that do not exist yet, adds GSIs declared since a table was
 * created, enables TTL. Idempotent; safe to run on every start.
 */
export async function ensureTables(
  client: DynamoDBClient,
  stage: string,
  definitions = tableDefinitions(stage),
): Promise<EnsureResult> {
  const existingNames = new Set<string>();
  for await (const page of paginateListTables({ client }, {})) {
    for (const name of page.TableNames ?? []) existingNames.add(name);
  }
  const result: EnsureResult = { created: [], existing: [] };

  await Promise.all(
    definitions.map(async ({ create, ttlAttribute }) => {
      const TableName = create.TableName as string;
      if (!existingNames.has(TableName)) {
        try {
          await client.send(new CreateTableCommand(create));
          result.created.push(TableName);
        } catch (err) {
          if (!(err instanceof ResourceInUseException)) throw err; // created concurrently
          result.existing.push(TableName);
        }
      } else {
        result.existing.push(TableName);
        await addMissingIndexes(client, create);
      }
      await waitUntilActive(client, TableName);
      if (ttlAttribute) {
        const { TimeToLiveDescription: ttl } = await client.send(new DescribeTimeToLiveCommand({ TableName }));
        if (ttl?.TimeToLiveStatus !== 'ENABLED' || ttl.AttributeName !== ttlAttribute) {
          await client.send(
            new UpdateTimeToLiveCommand({
              TableName,
              TimeToLiveSpecification: { AttributeName: ttlAttribute, Enabled: true },
            }),
          );
        }
      }
    }),
  );
  result.created.sort();
  result.existing.sort();
  return result;
}

/** A persisted local database may predate a GSI added to serverless.yml: add it. */
async function addMissingIndexes(client: DynamoDBClient, create: CreateTableCommandInput): Promise<void> {
  const wanted = create.GlobalSecondaryIndexes ?? [];
  if (!wanted.length) return;
  const { Table } = await client.send(new DescribeTableCommand({ TableName: create.TableName }));
  const have = new Set((Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  for (const index of wanted) {
    if (have.has(index.IndexName)) continue;
    const names = new Set(index.KeySchema?.map((key) => key.AttributeName));
    await client.send(
      new UpdateTableCommand({
        TableName: create.TableName,
        AttributeDefinitions: create.AttributeDefinitions?.filter((a) => names.has(a.AttributeName)),
        GlobalSecondaryIndexUpdates: [{ Create: index }],
      }),
    );
    await waitUntilActive(client, create.TableName as string);
  }
}

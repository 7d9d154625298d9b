/**
 * The DynamoDB tables, read from serverless.yml `resources.Resources` (the only schema
 * definition, read through scripts/serverless-yml.ts), turned into CreateTable inputs and
 * created in DynamoDB Local.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  type CreateTableCommandInput,
  type GlobalSecondaryIndex,
  type StreamViewType,
  paginateListTables,
  ResourceInUseException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { sleep } from '../lib/db/retry';
import { isObject, readServerlessYaml, resolveIn, type Yaml, type YamlObject } from './serverless-yml';

// scripts/start.ts takes the repository root from here with ensureTables.
export { repoRoot } from './serverless-yml';

export interface TableDefinition {
  /** The CloudFormation logical id (e.g. `UnitsTable`). */
  logicalId: string;
  create: CreateTableCommandInput;
  /** From TimeToLiveSpecification; applied with UpdateTimeToLive after creation. */
  ttlAttribute?: string;
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
 * AttributeDefinitions, Global/LocalSecondaryIndexes, StreamSpecification (DynamoDB Local has
 * streams: the integration events are read from them, docs/EVENTS.md); billing is
 * PAY_PER_REQUEST. Point-in-time recovery, deletion protection, tags, SSE, contributor
 * insights... are dropped; TTL is returned apart (ttlAttribute) for an UpdateTimeToLive after
 * creation.
 */
export function tableDefinitions(stage: string, doc = readServerlessYaml()): TableDefinition[] {
  const resources = (doc.resources as YamlObject | undefined)?.Resources;
  if (!isObject(resources)) throw new Error('serverless.yml has no resources.Resources');
  const definitions: TableDefinition[] = [];
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (!isObject(resource) || resource.Type !== 'AWS::DynamoDB::Table') continue;
    const where = `resources.Resources.${logicalId}.Properties`;
    if (!isObject(resource.Properties)) throw new Error(`serverless.yml ${where} is missing`);
    const raw = resource.Properties;
    const pick = (key: string) => {
      if (raw[key] === undefined) return undefined;
      const value = resolveIn(doc, stage, raw[key], `${where}.${key}`);
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
    const stream = pick('StreamSpecification');
    if (isObject(stream) && typeof stream.StreamViewType === 'string') {
      create.StreamSpecification = { StreamEnabled: true, StreamViewType: stream.StreamViewType as StreamViewType };
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
        await enableStream(client, create);
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

/** A persisted local database may predate the stream serverless.yml declares: enable it. */
async function enableStream(client: DynamoDBClient, create: CreateTableCommandInput): Promise<void> {
  if (!create.StreamSpecification) return;
  const { Table } = await client.send(new DescribeTableCommand({ TableName: create.TableName }));
  if (Table?.StreamSpecification?.StreamEnabled) return;
  await client.send(new UpdateTableCommand({ TableName: create.TableName, StreamSpecification: create.StreamSpecification }));
  await waitUntilActive(client, create.TableName as string);
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

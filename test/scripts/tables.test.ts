import { describe, expect, it } from 'vitest';
import { tableEnv } from '../../lib/db/tables';
import { readServerlessYaml, resolveServerlessPath } from '../../scripts/serverless-yml';
import { tableDefinitions } from '../../scripts/tables';

describe('tableDefinitions (from serverless.yml)', () => {
  const stage = 'somestage';
  const definitions = tableDefinitions(stage);
  const byName = new Map(definitions.map((d) => [d.create.TableName, d]));

  it('declares exactly the tables lib/db/tables.ts names, with the same names', () => {
    expect([...byName.keys()].sort()).toEqual(Object.values(tableEnv(stage)).sort());
  });

  it('gives the handlers the same table names through provider.environment', () => {
    const environment = resolveServerlessPath('provider.environment', stage) as Record<string, string>;
    for (const [variable, name] of Object.entries(tableEnv(stage))) expect(environment[variable]).toBe(name);
  });

  it('keeps keys, GSIs and the stream, drops what CreateTable does not take', () => {
    const inventory = byName.get('allot-somestage-inventory');
    expect(inventory?.create).toEqual({
      TableName: 'allot-somestage-inventory',
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: expect.arrayContaining([
        { AttributeName: 'gsi1pk', AttributeType: 'S' },
        { AttributeName: 'gsi1sk', AttributeType: 'S' },
      ]),
      GlobalSecondaryIndexes: [
        {
          IndexName: 'gsi1',
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
  });

  it('carries every GSI, TTL and stream declared in serverless.yml', () => {
    const resources = (readServerlessYaml().resources as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> }).Resources;
    for (const definition of definitions) {
      const properties = resources[definition.logicalId]!.Properties;
      const gsis = (properties.GlobalSecondaryIndexes ?? []) as { IndexName: string }[];
      expect(definition.create.GlobalSecondaryIndexes?.map((i) => i.IndexName) ?? []).toEqual(gsis.map((i) => i.IndexName));
      const ttl = properties.TimeToLiveSpecification as { AttributeName: string } | undefined;
      expect(definition.ttlAttribute).toBe(ttl?.AttributeName);
      const stream = properties.StreamSpecification as { StreamViewType: string } | undefined;
      expect(definition.create.StreamSpecification?.StreamViewType).toBe(stream?.StreamViewType);
      for (const key of Object.keys(definition.create)) {
        expect(['TableName', 'KeySchema', 'AttributeDefinitions', 'GlobalSecondaryIndexes', 'LocalSecondaryIndexes', 'BillingMode', 'StreamSpecification']).toContain(key);
      }
    }
  });

  it('reads CloudFormation short tags and fails clearly on what it cannot resolve', () => {
    const doc = {
      service: 'allot',
      custom: { tables: { t: '${self:service}-${sls:stage}-t' } },
      resources: {
        Resources: {
          T: {
            Type: 'AWS::DynamoDB::Table',
            Properties: {
              TableName: '${self:custom.tables.t}',
              KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
              AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
              DeletionProtectionEnabled: { 'Fn::If': ['IsProd', true, false] },
              StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
              Tags: [{ Key: 'a', Value: { Ref: 'AWS::StackName' } }],
            },
          },
          Other: { Type: 'AWS::SQS::Queue', Properties: { QueueName: { 'Fn::Sub': '${AWS::StackName}' } } },
        },
      },
    };
    expect(tableDefinitions('x', doc).map((d) => d.create.TableName)).toEqual(['allot-x-t']);
    const bad = structuredClone(doc);
    bad.custom.tables.t = '${ssm:/table}';
    expect(() => tableDefinitions('x', bad)).toThrow(/unsupported variable source "ssm:\/table"/);
    const withFallback = structuredClone(doc);
    withFallback.custom.tables.t = "${opt:table, 'fallback'}";
    expect(tableDefinitions('x', withFallback)[0]!.create.TableName).toBe('fallback');
  });
});

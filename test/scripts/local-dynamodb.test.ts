import { DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { db, rawDb, resetDb } from '../../lib/db/client';
import { tableName, type TableKey } from '../../lib/db/tables';
import { tableDefinitions } from '../../scripts/tables';

describe('the DynamoDB Local of the test run', () => {
  afterAll(() => resetDb());

  it('points the code at a local endpoint and the test tables', () => {
    expect(process.env.DYNAMODB_ENDPOINT).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(tableName('units')).toBe('allot-test-units');
  });

  it('has every table of serverless.yml, ACTIVE, with its GSIs and TTL', async () => {
    for (const { create, ttlAttribute } of tableDefinitions('test')) {
      const { Table } = await rawDb().send(new DescribeTableCommand({ TableName: create.TableName }));
      expect(Table?.TableStatus).toBe('ACTIVE');
      expect(Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName) ?? []).toEqual(
        create.GlobalSecondaryIndexes?.map((i) => i.IndexName) ?? [],
      );
      if (ttlAttribute) {
        const { TimeToLiveDescription } = await rawDb().send(new DescribeTimeToLiveCommand({ TableName: create.TableName }));
        expect(TimeToLiveDescription).toMatchObject({ AttributeName: ttlAttribute, TimeToLiveStatus: 'ENABLED' });
      }
    }
  });

  it.each(['tenants', 'units', 'inventory', 'enrollment'] as TableKey[])('puts and gets an item in %s through db()', async (key) => {
    const pk = `test-local-dynamodb#${key}#${Date.now()}`;
    await db().send(new PutCommand({ TableName: tableName(key), Item: { pk, sk: 'item', quantity: 0.1, name: 'x' } }));
    const { Item } = await db().send(new GetCommand({ TableName: tableName(key), Key: { pk, sk: 'item' }, ConsistentRead: true }));
    expect(Item?.name).toBe('x');
    expect(String(Item?.quantity)).toBe('0.1');
  });
});

/** queryAll/scanAll/countAll follow every page (real DynamoDB Local, small pages forced by Limit). */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchPutAll } from '../../../lib/db/batch';
import { countAll, queryAll, queryPages, scanAll } from '../../../lib/db/paging';
import { tableName } from '../../../lib/db/tables';

const table = () => tableName('units');
const pk = `toolkit-paging#${randomUUID()}`;
const sks = Array.from({ length: 23 }, (_, i) => `item#${String(i).padStart(3, '0')}`);

beforeAll(async () => {
  await batchPutAll(table(), sks.map((sk, i) => ({ pk, sk, n: i })));
});

const byPk = { KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk } };

describe('paging', () => {
  it('queryAll returns every item across pages, in key order', async () => {
    const items = await queryAll({ TableName: table(), ...byPk, Limit: 5, ConsistentRead: true });
    expect(items.map((i) => i.sk)).toEqual(sks);
  });

  it('queryPages yields one page per Limit and can start from a saved key', async () => {
    const pages = [];
    for await (const page of queryPages({ TableName: table(), ...byPk, ConsistentRead: true }, 10)) pages.push(page);
    expect(pages.map((p) => p.Items?.length)).toEqual([10, 10, 3]);
    const rest = await queryAll({ TableName: table(), ...byPk, ConsistentRead: true, ExclusiveStartKey: pages[0]!.LastEvaluatedKey });
    expect(rest.map((i) => i.sk)).toEqual(sks.slice(10));
  });

  it('countAll counts across pages without reading items', async () => {
    expect(await countAll({ TableName: table(), ...byPk, Limit: 4, ConsistentRead: true })).toBe(23);
  });

  it('scanAll reads every page of a scan', async () => {
    const items = await scanAll({
      TableName: table(),
      FilterExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      Limit: 50,
      ConsistentRead: true,
    });
    expect(items.map((i) => i.sk).sort()).toEqual(sks);
  });
});

import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { db } from './client';
import { isConditionFailed } from './conditions';
import { tableName, type TableKey } from './tables';

/**
 * Writes items that are not there yet and leaves existing ones alone, so loading the demo
 * data again never resets what was changed since (balances, quantities, code statuses).
 */
export async function putAllIfAbsent(table: TableKey, items: Record<string, unknown>[]): Promise<void> {
  await Promise.all(
    items.map(async (Item) => {
      try {
        await db().send(
          new PutCommand({ TableName: tableName(table), Item, ConditionExpression: 'attribute_not_exists(pk)' }),
        );
      } catch (err) {
        if (!isConditionFailed(err)) throw err;
      }
    }),
  );
}

/**
 * The shapes every repository shares, defined once: an item's primary key, an item, a page's
 * resume point (DynamoDB's LastEvaluatedKey: any key attributes, an index's included), and one
 * entry of a TransactWriteItems request.
 */
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';

export type Key = { pk: string; sk: string };
export type Item = Record<string, unknown>;
/** Where a paged read resumes (ExclusiveStartKey / LastEvaluatedKey). */
export type Cursor = Record<string, unknown>;
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

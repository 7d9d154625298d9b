import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { watchStack } from './resolved';
import { watchWrites } from './writes';

/**
 * One client per process (module scope), so a warm Lambda reuses its connections.
 * Locally DYNAMODB_ENDPOINT points at DynamoDB Local, which accepts any credentials.
 * Numbers are read back wrapped (NumberValue, a string inside) so decimals stay exact.
 */
let client: DynamoDBClient | undefined;
let documentClient: DynamoDBDocumentClient | undefined;

export function rawDb(): DynamoDBClient {
  if (client) return client;
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  client = new DynamoDBClient({
    region: process.env.AWS_REGION ?? 'us-east-1',
    maxAttempts: Number(process.env.DYNAMODB_MAX_ATTEMPTS ?? 3),
    ...(endpoint
      ? { endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
  });
  watchWrites(client);
  watchStack(client);
  return client;
}

export function db(): DynamoDBDocumentClient {
  documentClient ??= DynamoDBDocumentClient.from(rawDb(), {
    marshallOptions: { removeUndefinedValues: true },
    unmarshallOptions: { wrapNumbers: true },
  });
  return documentClient;
}

/** For tests and scripts that point the process at another endpoint. */
export function resetDb(): void {
  client?.destroy();
  client = undefined;
  documentClient = undefined;
}

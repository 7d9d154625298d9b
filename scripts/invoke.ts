/**
 * `npm run invoke -- FUNCTION [EVENT_FILE]`: runs one function in this process against the
 * local DynamoDB (the one `npm start` runs) with a sample event (default events/FUNCTION.json)
 * and prints what it returned.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tableEnv } from '../lib/db/tables';
import { findFunction } from './functions';
import { lambdaContext } from './lambda-context';
import { repoRoot } from './serverless-yml';

const usage = 'usage: npm run invoke -- FUNCTION [EVENT_FILE]';

async function main(args: string[]): Promise<number> {
  const [name, eventFile] = args;
  if (!name || name === '--help' || name === '-h') {
    console.log(`${usage}\nRuns FUNCTION (a name from serverless.yml) with EVENT_FILE (default events/FUNCTION.json)\nagainst DynamoDB Local on DYNAMODB_PORT (default 8000), as started by npm start.`);
    return name ? 0 : 2;
  }
  process.env.DYNAMODB_ENDPOINT ??= `http://127.0.0.1:${process.env.DYNAMODB_PORT ?? 8000}`;
  process.env.AWS_REGION ??= 'us-east-1';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  for (const [key, value] of Object.entries(tableEnv(process.env.STAGE ?? 'local'))) process.env[key] ??= value;

  const fn = findFunction(name);
  const eventPath = resolve(eventFile ?? resolve(repoRoot, 'events', `${name}.json`));
  const event: unknown = JSON.parse(readFileSync(eventPath, 'utf8'));
  const mod = (await import(pathToFileURL(fn.sourcePath).href)) as Record<string, unknown>;
  const handler = (mod[fn.exportName] ?? (mod.default as Record<string, unknown> | undefined)?.[fn.exportName]) as
    | ((event: unknown, context: unknown) => Promise<unknown>)
    | undefined;
  if (typeof handler !== 'function') throw new Error(`${fn.sourcePath} exports no ${fn.exportName}`);
  const result = await handler(event, lambdaContext(name));
  console.log(JSON.stringify(result, null, 2));
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`invoke failed: ${err.message}`);
    process.exit(1);
  },
);

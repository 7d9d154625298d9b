/**
 * Which database the CLI works on. By default the local DynamoDB of `npm start` (port
 * DYNAMODB_PORT, default 8000, tables of stage `local`), like `npm run invoke`. With
 * `--stage NAME`, or ALLOT_TARGET=aws (stage from STAGE, default dev), the deployed tables
 * `allot-NAME-*` in AWS, with the caller's AWS credentials and region (--region, AWS_REGION).
 * Table variables already set (TENANTS_TABLE, ...) are kept for the local target.
 */
import { resetDb } from '../db/client';
import { tableEnv } from '../db/tables';
import { usageError } from './errors';

export type Target =
  | { kind: 'local'; endpoint: string; stage: string }
  | { kind: 'aws'; stage: string; region: string };

type Env = Record<string, string | undefined>;

export function resolveTarget(flags: { stage?: string; region?: string }, env: Env): Target {
  const wanted = env.ALLOT_TARGET ?? '';
  if (!['', 'aws', 'local'].includes(wanted)) throw usageError(`ALLOT_TARGET must be aws or local, not "${wanted}"`);
  if (flags.stage !== undefined && !/^[a-zA-Z0-9-]{1,16}$/.test(flags.stage)) {
    throw usageError('--stage must be 1 to 16 letters, digits or dashes');
  }
  if (flags.stage !== undefined || wanted === 'aws') {
    return { kind: 'aws', stage: flags.stage ?? env.STAGE ?? 'dev', region: flags.region ?? env.AWS_REGION ?? 'us-east-1' };
  }
  return {
    kind: 'local',
    endpoint: env.DYNAMODB_ENDPOINT ?? `http://127.0.0.1:${env.DYNAMODB_PORT ?? 8000}`,
    stage: env.STAGE ?? 'local',
  };
}

export function describeTarget(target: Target): string {
  return target.kind === 'local'
    ? `local DynamoDB ${target.endpoint}`
    : `AWS ${target.region}, tables allot-${target.stage}-*`;
}

/** True for http(s)://localhost or 127.0.0.1 (any port). */
export function isLocalEndpoint(endpoint: string | undefined): boolean {
  if (!endpoint) return false;
  try {
    return ['localhost', '127.0.0.1'].includes(new URL(endpoint).hostname);
  } catch {
    return false;
  }
}

/** Points this process's DynamoDB client and table names at the target. */
export function useTarget(target: Target): void {
  const env = process.env;
  const before = `${env.DYNAMODB_ENDPOINT}|${env.AWS_REGION}`;
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  if (target.kind === 'local') {
    env.DYNAMODB_ENDPOINT = target.endpoint;
    env.AWS_REGION ??= 'us-east-1';
    for (const [key, value] of Object.entries(tableEnv(target.stage))) env[key] ??= value;
  } else {
    delete env.DYNAMODB_ENDPOINT;
    env.AWS_REGION = target.region;
    Object.assign(env, tableEnv(target.stage));
  }
  // a client made for another endpoint (or region) must not be reused
  if (`${env.DYNAMODB_ENDPOINT}|${env.AWS_REGION}` !== before) resetDb();
}

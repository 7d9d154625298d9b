/**
 * The deployment package for stage prod, as `npm run package` makes it (offline, no AWS
 * credentials), checked function by function from the list in serverless.yml: a function added
 * without its own least-privilege role fails here. events.test.ts checks the other half: that
 * each role allows every DynamoDB call its function makes.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listFunctions } from '../../scripts/functions';
import { repoRoot, resolveServerlessPath } from '../../scripts/tables';
import { resourceName } from './support';

type Resource = { Type: string; Properties: Record<string, unknown> };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);
const functions = listFunctions();
const httpFunctions = functions.filter((f) => f.routes.length > 0);

let dir: string;
let resources: Record<string, Resource>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'allot-package-'));
  // No AWS credentials and no metadata service: packaging must not need AWS.
  const env: NodeJS.ProcessEnv = { ...process.env, AWS_EC2_METADATA_DISABLED: 'true' };
  for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'DYNAMODB_ENDPOINT']) delete env[name];
  await promisify(execFile)(process.execPath, [resolve(repoRoot, 'node_modules/serverless/bin/serverless.js'), 'package', '--stage', 'prod', '--package', dir], {
    cwd: repoRoot,
    env,
    maxBuffer: 16 * 1024 * 1024,
  });
  const template = JSON.parse(readFileSync(join(dir, 'cloudformation-template-update-stack.json'), 'utf8')) as { Resources: Record<string, Resource> };
  resources = template.Resources;
}, 180_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

function lambda(name: string): Resource {
  const found = ofType('AWS::Lambda::Function').find(([, r]) => r.Properties.FunctionName === `allot-prod-${name}`);
  if (!found) throw new Error(`no Lambda function allot-prod-${name} in the template`);
  return found[1];
}

function roleOf(name: string): { id: string; statements: Statement[] } {
  const [id, attribute] = (lambda(name).Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'];
  expect(attribute).toBe('Arn');
  const role = resources[id]!;
  expect(role.Type).toBe('AWS::IAM::Role');
  const policies = (role.Properties.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[];
  expect(role.Properties.ManagedPolicyArns ?? []).toEqual([]);
  return { id, statements: policies.flatMap((p) => p.PolicyDocument.Statement) };
}

const dynamoStatements = (statements: Statement[]) => statements.filter((s) => list(s.Action).some((a) => a.startsWith('dynamodb:')));

/** `(action, resource)` pairs, for comparing statement lists. */
const grants = (statements: Statement[]) =>
  dynamoStatements(statements)
    .flatMap((s) => list(s.Action).flatMap((a) => list(s.Resource).map((r) => `${a} ${resourceName(r)}`)))
    .sort();

describe.each(functions.map((f) => [f.name] as const))('function %s', (name) => {
  it('has its own role, used by no other function', () => {
    const { id } = roleOf(name);
    expect(id).not.toBe('IamRoleLambdaExecution'); // the shared default role
    expect(functions.filter((f) => roleOf(f.name).id === id).map((f) => f.name)).toEqual([name]);
  });

  it('allows no wildcard action and no wildcard resource', () => {
    for (const statement of roleOf(name).statements) {
      expect(statement.Effect).toBe('Allow');
      for (const action of list(statement.Action)) expect(action).not.toContain('*'); // dynamodb:*, dynamodb:Get*, *
      for (const resource of list(statement.Resource)) expect(resource).not.toBe('*');
    }
  });

  it('grants DynamoDB actions on table and index ARNs only, exactly those its functions.yml declares', () => {
    const tables = new Map(ofType('AWS::DynamoDB::Table').map(([id, r]) => [id, r.Properties]));
    const statements = roleOf(name).statements;
    expect(dynamoStatements(statements).length).toBeGreaterThan(0);
    for (const statement of dynamoStatements(statements)) {
      for (const resource of list(statement.Resource)) {
        const [table, index] = resourceName(resource).split('/index/') as [string, string?];
        expect(tables.has(table), `${JSON.stringify(resource)} is not a table's ARN`).toBe(true);
        if (index !== undefined) {
          const indexes = (tables.get(table)!.GlobalSecondaryIndexes ?? []) as { IndexName: string }[];
          expect(indexes.map((i) => i.IndexName)).toContain(index);
        }
      }
    }
    const declared = functions.find((f) => f.name === name)!.iamRoleStatements as Statement[];
    expect(grants(statements)).toEqual(grants(declared));
  });

  it('logs to its own log group, kept for a limited time', () => {
    const group = ofType('AWS::Logs::LogGroup').find(([, r]) => r.Properties.LogGroupName === `/aws/lambda/allot-prod-${name}`);
    expect(group?.[1].Properties.RetentionInDays).toBe(30);
  });

  it('is packaged into a zip of its own', () => {
    expect(existsSync(join(dir, `${name}.zip`))).toBe(true);
  });
});

describe('roles of the HTTP functions', () => {
  it.each(httpFunctions.map((f) => [f.name]))('%s may read the tenants table (authentication)', (name) => {
    expect(grants(roleOf(name).statements)).toContain('dynamodb:GetItem TenantsTable');
  });
});

describe('tables', () => {
  const tables = () => ofType('AWS::DynamoDB::Table');

  it('are the four of the design, on demand, with point-in-time recovery and deletion protection (prod)', () => {
    expect(tables().map(([id]) => id).sort()).toEqual(['EnrollmentTable', 'InventoryTable', 'TenantsTable', 'UnitsTable']);
    for (const [, table] of tables()) {
      expect(table.Properties).toMatchObject({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
      });
    }
  });

  it('leave deletion protection off on stage dev only', () => {
    expect(resolveServerlessPath('custom.deletionProtection', 'dev')).toEqual({ dev: false });
  });

  it('expire bearer tokens from the tenants table by TTL', () => {
    expect(resources.TenantsTable?.Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'ttl', Enabled: true });
  });
});

describe('schedules', () => {
  it.each([
    ['expireEnrollmentCodes', 'rate(1 hour)'],
    ['reconcile', 'rate(1 day)'],
  ])('%s runs on %s', (name, rate) => {
    const rules = ofType('AWS::Events::Rule').filter(([, r]) =>
      (r.Properties.Targets as { Arn: { 'Fn::GetAtt': string[] } }[]).some((t) => {
        const id = t.Arn['Fn::GetAtt'][0]!;
        return resources[id]?.Properties.FunctionName === `allot-prod-${name}`;
      }),
    );
    expect(rules.map(([, r]) => r.Properties.ScheduleExpression)).toEqual([rate]);
  });
});

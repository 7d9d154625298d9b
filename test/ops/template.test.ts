/**
 * The deployment package for stage prod, as `npm run package` makes it (offline, no AWS
 * credentials), checked function by function from the list in serverless.yml: a function added
 * without its own least-privilege role fails here. events.test.ts checks the other half: that
 * each role allows every DynamoDB call its function makes. Also checked here, on the same package:
 * the alarms (generated per function and table by scripts/stack-alarms.ts), the scheduled jobs'
 * failure queue, the tables' retain policies, outputs, tags, the stack layout (root plus nested
 * stacks, scripts/stack-split.cjs: each stack far inside CloudFormation's limits) and cfn-lint's
 * verdict on every template (accepted findings: test/README.md). The checks of resources read the
 * stacks merged back into one template (scripts/packaged-stacks.ts), so they hold whichever stack a resource is in.
 *
 * Packaging builds in a work folder of its own (ALLOT_ESBUILD_WORK_DIR) and writes to a temporary
 * directory, so it never disturbs a running `npm start`, which serves from `.esbuild/`.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listFunctions } from '../../scripts/functions';
import { readServerlessYaml, repoRoot, resolveServerlessPath } from '../../scripts/serverless-yml';
import { readStacks, type PackagedStack, type Resource } from '../../scripts/packaged-stacks';
import { requiredTool } from '../helpers/required-tool';
import { resourceName } from './support';

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);
const functions = listFunctions();
const httpFunctions = functions.filter((f) => f.routes.length > 0);
const definition = (name: string) => functions.find((f) => f.name === name)!;

let dir: string;
let stacks: PackagedStack[];
let resources: Record<string, Resource>;
let outputs: Record<string, { Value: unknown }>;

// What a running `npm start` serves from: packaging must leave it alone.
const startBuild = join(repoRoot, '.esbuild', `.marker-${process.pid}`);

beforeAll(async () => {
  mkdirSync(dirname(startBuild), { recursive: true });
  writeFileSync(startBuild, 'npm start bundles live here');
  dir = mkdtempSync(join(tmpdir(), 'allot-package-'));
  // No AWS credentials and no metadata service: packaging must not need AWS.
  const env: NodeJS.ProcessEnv = { ...process.env, AWS_EC2_METADATA_DISABLED: 'true', ALLOT_ESBUILD_WORK_DIR: `.esbuild-package-${process.pid}` };
  for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'DYNAMODB_ENDPOINT']) delete env[name];
  await promisify(execFile)(process.execPath, [resolve(repoRoot, 'node_modules/serverless/bin/serverless.js'), 'package', '--stage', 'prod', '--package', dir], {
    cwd: repoRoot,
    env,
    maxBuffer: 16 * 1024 * 1024,
  });
  const read = readStacks(dir);
  stacks = read.stacks;
  resources = read.merged.Resources;
  outputs = read.merged.Outputs ?? {};
  // Packaging bundles every function (53): it took over 180 s at load 18 (stop 21), so a generous bound.
}, 600_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  rmSync(startBuild, { force: true });
});

it('packages without touching the bundles of a running `npm start` (.esbuild/)', () => {
  expect(readFileSync(startBuild, 'utf8')).toBe('npm start bundles live here');
});

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

function lambdaEntry(name: string): [string, Resource] {
  const found = ofType('AWS::Lambda::Function').find(([, r]) => r.Properties.FunctionName === `allot-prod-${name}`);
  if (!found) throw new Error(`no Lambda function allot-prod-${name} in the template`);
  return found;
}
const lambda = (name: string): Resource => lambdaEntry(name)[1];

function roleOf(name: string): { id: string; statements: Statement[] } {
  const [id, attribute] = (lambda(name).Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'];
  expect(attribute).toBe('Arn');
  const role = resources[id]!;
  expect(role.Type).toBe('AWS::IAM::Role');
  const policies = (role.Properties.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[];
  expect(role.Properties.ManagedPolicyArns ?? []).toEqual([]);
  return { id, statements: policies.flatMap((p) => p.PolicyDocument.Statement) };
}

/** What reading a table's stream takes: the framework grants it to a function with a `stream` event. */
const STREAM_READ = ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'];
const isStreamRead = (s: Statement) => list(s.Action).every((a) => STREAM_READ.includes(a));
const dynamoStatements = (statements: Statement[]) =>
  statements.filter((s) => list(s.Action).some((a) => a.startsWith('dynamodb:')) && !isStreamRead(s));
/** The tables whose streams a statement list reads (GetAtt <Table>.StreamArn), sorted. */
const streamTables = (statements: Statement[]) =>
  statements.filter(isStreamRead).flatMap((s) => list(s.Resource).map((r) => {
    const getAtt = (r as { 'Fn::GetAtt'?: string[] })['Fn::GetAtt'];
    return getAtt?.[1] === 'StreamArn' ? getAtt[0]! : JSON.stringify(r);
  })).sort();

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
    // Only the API's static description touches no table; the publisher reads streams only (below).
    if (!['openApiDocument', 'docsPage', 'publishEvents'].includes(name)) expect(dynamoStatements(statements).length).toBeGreaterThan(0);
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

  it("reads a table's stream only when one of its events is that stream (publishEvents)", () => {
    expect([...new Set(streamTables(roleOf(name).statements))]).toEqual([...definition(name).streamTables].sort());
  });

  it('logs to its own log group, kept for a limited time', () => {
    const group = ofType('AWS::Logs::LogGroup').find(([, r]) => r.Properties.LogGroupName === `/aws/lambda/allot-prod-${name}`);
    expect(group?.[1].Properties.RetentionInDays).toBe(30);
  });

  it('is packaged into a zip of its own', () => {
    expect(existsSync(join(dir, `${name}.zip`))).toBe(true);
  });

  // The DynamoDB client is bundled (serverless.yml custom.esbuild): the zip's bundle must start
  // with no SDK at all on its module path, and leave out only the credential fallbacks.
  it('starts from its zip alone, with the DynamoDB client bundled', async () => {
    const zip = await JSZip.loadAsync(readFileSync(join(dir, `${name}.zip`)));
    const file = `${definition(name).handler.replace(/\.[^.]+$/, '')}.js`;
    const source = await zip.file(file)!.async('string');
    expect(Object.keys(zip.files).filter((f) => /^node_modules\/@(aws-sdk|smithy)\//.test(f))).toEqual([]);
    expect(source).not.toMatch(/require\("@aws-sdk\/(client-dynamodb|lib-dynamodb)"\)/);
    const alone = mkdtempSync(join(tmpdir(), 'allot-bundle-'));
    try {
      writeFileSync(join(alone, 'fn.js'), source);
      const loaded = await promisify(execFile)(process.execPath, ['-e', `process.stdout.write(typeof require('./fn.js').${definition(name).exportName})`], {
        cwd: alone,
        env: { PATH: process.env.PATH, NODE_PATH: '' },
      });
      expect(loaded.stdout).toBe('function');
    } finally {
      rmSync(alone, { recursive: true, force: true });
    }
  });

  it('carries the stack tags', () => {
    expect(lambda(name).Properties.Tags).toEqual(expect.arrayContaining([{ Key: 'project', Value: 'allot' }, { Key: 'stage', Value: 'prod' }]));
  });

  it.each(['Errors', 'Throttles'])('has an alarm on its %s, notifying the alarm topic', (metric) => {
    const [logicalId] = lambdaEntry(name);
    const found = alarms().filter(
      ([, a]) => a.Namespace === 'AWS/Lambda' && a.MetricName === metric && JSON.stringify(a.Dimensions) === JSON.stringify([{ Name: 'FunctionName', Value: { Ref: logicalId } }]),
    );
    expect(found).toHaveLength(1);
    expect(found[0]![1]).toMatchObject({ Statistic: 'Sum', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
  });
});

describe('roles of the HTTP functions', () => {
  // Every POST/PUT but the token endpoint takes an Idempotency-Key (lib/http/idempotency.ts).
  const keyed = httpFunctions.filter((f) => f.name !== 'accessToken' && f.routes.some((r) => r.method === 'POST' || r.method === 'PUT'));
  it.each(keyed.map((f) => [f.name]))('%s may keep Idempotency-Key records, and only that on their table', (name) => {
    const onTable = grants(roleOf(name).statements).filter((g) => g.endsWith(' IdempotencyTable')).sort();
    expect(onTable).toEqual(['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'].map((a) => `${a} IdempotencyTable`));
  });
  it('no read-only function may touch the Idempotency-Key records', () => {
    for (const f of httpFunctions.filter((h) => !keyed.includes(h))) {
      expect(grants(roleOf(f.name).statements).filter((g) => g.includes('IdempotencyTable'))).toEqual([]);
    }
  });

  // All but the API's static description, which authenticates nobody and touches no table.
  const authenticating = httpFunctions.filter((f) => f.iamRoleStatements.length > 0);
  it.each(authenticating.map((f) => [f.name]))('%s may read the tenants table (authentication)', (name) => {
    expect(grants(roleOf(name).statements)).toContain('dynamodb:GetItem TenantsTable');
  });

  it.each(httpFunctions.filter((f) => !authenticating.includes(f)).map((f) => [f.name]))('%s may touch no table at all', (name) => {
    expect(grants(roleOf(name).statements)).toEqual([]);
  });
});

const alarms = () =>
  ofType('AWS::CloudWatch::Alarm').map(([id, r]) => {
    expect(r.Properties.AlarmActions, `${id} notifies the topic`).toEqual([{ Ref: 'AlarmTopic' }]);
    expect(r.Properties.OKActions, `${id} notifies recovery`).toEqual([{ Ref: 'AlarmTopic' }]);
    return [id, r.Properties] as [string, Record<string, unknown>];
  });

/** The metrics inside a metric-math alarm. */
const mathMetrics = (alarm: Record<string, unknown>) =>
  ((alarm.Metrics ?? []) as { MetricStat?: { Metric: { Namespace: string; MetricName: string; Dimensions: { Name: string; Value: unknown }[] } } }[])
    .flatMap((m) => (m.MetricStat ? [m.MetricStat.Metric] : []));

describe('alarms', () => {
  it('go to an SNS topic whose ARN is a stack output', () => {
    expect(resources.AlarmTopic?.Type).toBe('AWS::SNS::Topic');
    expect(outputs.AlarmTopicArn?.Value).toEqual({ Ref: 'AlarmTopic' });
    expect(alarms().length).toBeGreaterThan(0);
  });

  it.each(httpFunctions.map((f) => [f.name]))('watch the 5xx rate of %s (Allot EMF metrics, never a tenant dimension)', (name) => {
    const [logicalId] = lambdaEntry(name);
    const found = alarms().filter(([, a]) => mathMetrics(a).some((m) => m.MetricName === '5xx' && JSON.stringify(m.Dimensions).includes(JSON.stringify({ Ref: logicalId }))));
    expect(found).toHaveLength(1);
    const [, alarm] = found[0]!;
    const metrics = mathMetrics(alarm);
    expect(metrics.map((m) => [m.Namespace, m.MetricName])).toEqual([['Allot', '5xx'], ['Allot', 'requests']]);
    for (const m of metrics) expect(m.Dimensions).toEqual([{ Name: 'service', Value: 'allot' }, { Name: 'function', Value: { Ref: logicalId } }]);
    expect(alarm).toMatchObject({ ComparisonOperator: 'GreaterThanThreshold', Threshold: 5 });
  });

  it.each(['TenantsTable', 'UnitsTable', 'InventoryTable', 'EnrollmentTable', 'IdempotencyTable'])('watch the throttled requests of %s', (table) => {
    const found = alarms().filter(([, a]) => mathMetrics(a).some((m) => m.Namespace === 'AWS/DynamoDB' && JSON.stringify(m.Dimensions) === JSON.stringify([{ Name: 'TableName', Value: { Ref: table } }])));
    expect(found).toHaveLength(1);
    expect(mathMetrics(found[0]![1]).map((m) => m.MetricName)).toEqual(['ReadThrottleEvents', 'WriteThrottleEvents']);
  });

  it('cover every table of the template', () => {
    for (const [id] of ofType('AWS::DynamoDB::Table')) {
      expect(alarms().some(([, a]) => JSON.stringify(mathMetrics(a)).includes(JSON.stringify({ Ref: id }))), id).toBe(true);
    }
  });
});

describe('stack outputs', () => {
  it('give the HTTP API URL', () => {
    expect(JSON.stringify(outputs.HttpApiUrl?.Value)).toContain('"Ref":"HttpApi"');
    expect(resources.HttpApi?.Type).toBe('AWS::ApiGatewayV2::Api');
  });
});

describe('tables', () => {
  it('are retained when removed from the stack or replaced', () => {
    for (const [id, table] of ofType('AWS::DynamoDB::Table')) {
      expect([id, table.DeletionPolicy, table.UpdateReplacePolicy]).toEqual([id, 'Retain', 'Retain']);
    }
  });

  const tables = () => ofType('AWS::DynamoDB::Table');

  it('are the five of the design, on demand, with point-in-time recovery and deletion protection (prod)', () => {
    expect(tables().map(([id]) => id).sort()).toEqual(['EnrollmentTable', 'IdempotencyTable', 'InventoryTable', 'TenantsTable', 'UnitsTable']);
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

  it('expire Idempotency-Key records by TTL', () => {
    expect(resources.IdempotencyTable?.Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'ttl', Enabled: true });
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

  it.each(functions.filter((f) => f.schedules.length > 0).map((f) => [f.name]))(
    '%s sends a run that failed for good to an SQS queue it may write to, whose depth alarms',
    (name) => {
      const [logicalId] = lambdaEntry(name);
      const configs = ofType('AWS::Lambda::EventInvokeConfig').filter(([, r]) => JSON.stringify(r.Properties.FunctionName) === JSON.stringify({ Ref: logicalId }));
      expect(configs).toHaveLength(1);
      const destination = (configs[0]![1].Properties.DestinationConfig as { OnFailure: { Destination: { 'Fn::GetAtt': [string, string] } } }).OnFailure.Destination;
      const [queue, attribute] = destination['Fn::GetAtt'];
      expect([resources[queue]?.Type, attribute]).toEqual(['AWS::SQS::Queue', 'Arn']);
      const sends = roleOf(name).statements.filter((s) => list(s.Action).includes('sqs:SendMessage'));
      expect(sends.flatMap((s) => list(s.Resource))).toEqual([destination]);
      const depth = alarms().filter(([, a]) => a.Namespace === 'AWS/SQS' && JSON.stringify(a.Dimensions).includes(JSON.stringify({ 'Fn::GetAtt': [queue, 'QueueName'] })));
      expect(depth.map(([, a]) => [a.MetricName, a.Threshold])).toEqual([['ApproximateNumberOfMessagesVisible', 1]]);
    },
  );
});

/**
 * CloudFormation's hard limits per stack (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html):
 * 500 resources, 200 parameters, 200 outputs, a template of 1 MB from S3 (where the framework and
 * split-stacks put every template). Each stack stays under 60 % of the resources and 80 % of the
 * rest, so the next features fit without a re-layout (docs/DEPLOYMENT.md).
 */
describe('stack layout', () => {
  it('keeps every stack under 60 % of the resource limit and 80 % of the size, parameter and output limits', () => {
    const over = stacks.flatMap(({ name, bytes, template }) => {
      const figures = {
        resources: [Object.keys(template.Resources).length, 300],
        parameters: [Object.keys(template.Parameters ?? {}).length, 160],
        outputs: [Object.keys(template.Outputs ?? {}).length, 160],
        bytes: [bytes, 800_000],
      } as const;
      return Object.entries(figures).filter(([, [value, limit]]) => value > limit).map(([what, [value, limit]]) => `${name}: ${what} ${value} > ${limit}`);
    });
    expect(over).toEqual([]);
    expect(stacks.length).toBeGreaterThan(1);
  });

  it('keeps the tables, the API, the alarm topic and the failure queue in the root stack', () => {
    const root = stacks[0]!.template.Resources;
    for (const id of ['TenantsTable', 'UnitsTable', 'InventoryTable', 'EnrollmentTable', 'IdempotencyTable', 'HttpApi', 'AlarmTopic', 'JobFailuresQueue']) {
      expect(root[id]?.Type, id).toBeDefined();
    }
  });

  it.each(functions.map((f) => [f.name]))('puts %s with its role, log group, routes and alarms in one nested stack', (name) => {
    const [logicalId] = lambdaEntry(name);
    const home = stacks.find((s) => s.template.Resources[logicalId])!;
    expect(home.name).not.toBe('root');
    const own = home.template.Resources;
    const [roleId] = (own[logicalId]!.Properties.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'];
    expect(own[roleId]?.Type).toBe('AWS::IAM::Role');
    expect(Object.values(own).filter((r) => r.Type === 'AWS::Logs::LogGroup' && r.Properties.LogGroupName === `/aws/lambda/allot-prod-${name}`)).toHaveLength(1);
    const routes = Object.values(own).filter((r) => r.Type === 'AWS::ApiGatewayV2::Route').map((r) => r.Properties.RouteKey);
    const declared = definition(name).routes.map((r) => `${r.method} ${r.path}`);
    expect(routes.filter((key) => declared.includes(String(key))).sort()).toEqual([...declared].sort());
    const alarmsHere = Object.values(own).filter((r) => r.Type === 'AWS::CloudWatch::Alarm' && JSON.stringify(r.Properties).includes(JSON.stringify({ Ref: logicalId })));
    expect(alarmsHere.length).toBe(definition(name).routes.length > 0 ? 3 : 2);
  });
});

/**
 * cfn-lint (Debian's package; .ci/run installs it when missing) on the packaged template. Our
 * resources (serverless.yml's and the generated alarms) get no finding at any level; the
 * framework's get no error and only the warnings accepted in test/README.md.
 */
const cfnLint = requiredTool({
  name: 'cfn-lint',
  command: process.env.CFN_LINT ?? 'cfn-lint',
  install: 'sudo apt-get install cfn-lint, or pip install cfn-lint',
  skips: 'the cfn-lint check of the packaged templates (test/ops/template.test.ts)',
});

describe.skipIf(!cfnLint.available)('cfn-lint', () => {
  type Finding = { Level: 'Error' | 'Warning' | 'Informational'; Rule: { Id: string }; Message: string; Filename?: string; Location: { Path: (string | number)[] } };
  const acceptedFrameworkWarnings = ['W3005'];

  it('finds nothing on our resources and no error or unaccepted warning on the framework\'s, in every template', async () => {
    const bin = cfnLint.executable;
    let stdout: string;
    try {
      ({ stdout } = await promisify(execFile)(bin, ['--format', 'json', '--include-checks', 'I', '--', ...stacks.map((s) => s.path)], { maxBuffer: 16 * 1024 * 1024 }));
    } catch (err) {
      const failure = err as { code?: string | number; stdout?: string };
      stdout = failure.stdout ?? ''; // it exits non-zero whenever it reports anything
    }
    const findings = JSON.parse(stdout) as Finding[];
    const ours = new Set([
      ...Object.keys((readServerlessYaml().resources as { Resources: object }).Resources),
      ...ofType('AWS::CloudWatch::Alarm').map(([id]) => id),
    ]);
    const show = (f: Finding) => `${f.Level} ${f.Rule.Id} ${f.Filename ?? ''} ${f.Location.Path.join('/')}: ${f.Message}`;
    const resourceOf = (f: Finding) => (f.Location.Path[0] === 'Resources' ? String(f.Location.Path[1]) : '');
    expect(findings.filter((f) => ours.has(resourceOf(f))).map(show)).toEqual([]);
    expect(findings.filter((f) => f.Level === 'Error').map(show)).toEqual([]);
    expect(findings.filter((f) => f.Level === 'Warning' && !acceptedFrameworkWarnings.includes(f.Rule.Id)).map(show)).toEqual([]);
  }, 120_000);
});

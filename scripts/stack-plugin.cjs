/**
 * Local serverless plugin: adds the IAM statements every HTTP function's handler implies
 * (scripts/implied-iam.ts) before the roles are compiled, and the generated alarms (scripts/stack-alarms.ts) to the compiled
 * template once the framework has merged serverless.yml's own resources, so it sees every
 * function and every table. Serverless requires plugins as CommonJS; the generator is
 * TypeScript, loaded through tsx (a devDependency, as serverless itself is).
 *
 * It also lets `serverless package` run without an AWS account: serverless-plugin-split-stacks
 * reads the deployed stack first (so a resource already deployed stays in the stack it is in);
 * when `package` (not `deploy`) finds no AWS credentials there is no deployed stack to read, and
 * the layout is the one a new stack gets. A deploy always reads the real stack.
 */
const { require: tsxRequire } = require('tsx/cjs/api');

const TOPIC = 'AlarmTopic';

class AllotAlarms {
  constructor(serverless) {
    this.hooks = {
      // Before serverless-iam-roles-per-function compiles the roles (before:package:finalize).
      'before:package:initialize': () => this.addImpliedStatements(serverless),
      'after:aws:package:finalize:mergeCustomProviderResources': async () => {
        this.addAlarms(serverless);
        await this.packageWithoutAccount(serverless);
      },
    };
  }

  /** The statements every HTTP function's handler implies (scripts/implied-iam.ts), not copied by hand. */
  addImpliedStatements(serverless) {
    const { impliedStatements } = tsxRequire('./implied-iam.ts', __filename);
    for (const name of serverless.service.getAllFunctions()) {
      const fn = serverless.service.getFunction(name);
      const routes = serverless.service
        .getAllEventsInFunction(name)
        .flatMap((event) => (event.httpApi ? [{ method: String(event.httpApi.method) }] : []));
      const implied = impliedStatements({ handler: fn.handler, routes });
      if (implied.length) fn.iamRoleStatements = [...implied, ...(fn.iamRoleStatements ?? [])];
    }
  }

  async packageWithoutAccount(serverless) {
    if (serverless.processedInput?.commands?.[0] !== 'package') return;
    const splitter = serverless.pluginManager.plugins.find((p) => p.constructor.name === 'ServerlessPluginSplitStacks');
    if (!splitter) return;
    try {
      const config = await serverless.getProvider('aws').getAwsSdkV3Config();
      await (typeof config.credentials === 'function' ? config.credentials() : config.credentials);
    } catch {
      serverless.cli.log('No AWS credentials: packaged with the layout of a new stack (nothing deployed was read).');
      splitter.getStackSummary = async () => [];
    }
  }

  addAlarms(serverless) {
    const { alarmResources } = tsxRequire('./stack-alarms.ts', __filename);
    const naming = serverless.getProvider('aws').naming;
    const template = serverless.service.provider.compiledCloudFormationTemplate;
    if (!template.Resources[TOPIC]) throw new Error(`serverless.yml resources must define the alarm topic ${TOPIC}`);
    const functions = serverless.service.getAllFunctions().map((name) => ({
      name,
      logicalId: naming.getLambdaLogicalId(name),
      http: serverless.service.getAllEventsInFunction(name).some((event) => event.httpApi || event.http),
    }));
    const tables = Object.keys(template.Resources).filter((id) => template.Resources[id].Type === 'AWS::DynamoDB::Table');
    for (const [id, resource] of Object.entries(alarmResources({ functions, tables, topic: TOPIC }))) {
      if (template.Resources[id]) throw new Error(`generated alarm ${id} collides with a resource of that name`);
      template.Resources[id] = resource;
    }
  }
}

module.exports = AllotAlarms;

/**
 * Local serverless plugin: adds the generated alarms (scripts/stack-alarms.ts) to the compiled
 * template once the framework has merged serverless.yml's own resources, so it sees every
 * function and every table. Serverless requires plugins as CommonJS; the generator is
 * TypeScript, loaded through tsx (a devDependency, as serverless itself is).
 */
const { require: tsxRequire } = require('tsx/cjs/api');

const TOPIC = 'AlarmTopic';

class AllotAlarms {
  constructor(serverless) {
    this.hooks = {
      'after:aws:package:finalize:mergeCustomProviderResources': () => this.addAlarms(serverless),
    };
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

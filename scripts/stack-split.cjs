/**
 * Where each resource of the compiled template goes (serverless-plugin-split-stacks' custom
 * mapping, `custom.splitStacks.custom` in serverless.yml; docs/DEPLOYMENT.md says why).
 *
 * Everything one function owns travels together into one of NESTED_STACKS nested stacks: the
 * function, its role, log group, permissions, event rules, invoke config and generated alarms
 * (their logical ids start with the function's normalized name), its HTTP API integration
 * (`HttpApiIntegration<Fn>`) and every route that targets that integration. The stack is chosen
 * by the plugin's own per-group hash of the function's name, so a function never moves once
 * deployed (a move would recreate a function whose name is fixed). The root stack keeps what is
 * shared: the tables (never moved: their logical ids and Retain policies stay where they are),
 * the HTTP API and its stage, the alarm topic, the job failure queue, the table alarms, outputs.
 *
 * Called by the plugin with `this` = its custom strategy (`this.plugin.serverless`).
 */
const PerGroupFunction = require('serverless-plugin-split-stacks/lib/migration-strategy/per-group-function');

/** Never change: a function's stack is its name's hash modulo this number. */
const NESTED_STACKS = 16;

const ownersByPlugin = new WeakMap();

/** Normalized function names, longest first (so `ListPartsX` wins over `ListParts`). */
function owners(plugin) {
  let names = ownersByPlugin.get(plugin);
  if (!names) {
    const naming = plugin.provider.naming;
    names = plugin.serverless.service
      .getAllFunctions()
      .map((name) => naming.getNormalizedFunctionName(name))
      .sort((a, b) => b.length - a.length);
    ownersByPlugin.set(plugin, names);
  }
  return names;
}

function ownerOf(names, logicalId, resource) {
  if (resource.Type === 'AWS::ApiGatewayV2::Route') {
    const target = JSON.stringify(resource.Properties?.Target ?? '');
    const integration = /"Ref":"HttpApiIntegration([A-Za-z0-9]+)"/.exec(target)?.[1];
    return integration && names.find((name) => name === integration);
  }
  const id = logicalId.startsWith('HttpApiIntegration') ? logicalId.slice('HttpApiIntegration'.length) : logicalId;
  return names.find((name) => id.startsWith(name));
}

const hash = { getNestedStackName: PerGroupFunction.prototype.getNestedStackName, nestedStackCount: NESTED_STACKS };

module.exports = function destination(resource, logicalId) {
  if (resource.Type === 'AWS::DynamoDB::Table') return false;
  const owner = ownerOf(owners(this.plugin), logicalId, resource);
  if (!owner) return false;
  return { destination: `Functions${hash.getNestedStackName(owner)}` };
};

module.exports.NESTED_STACKS = NESTED_STACKS;

/**
 * Routes as serverless.yml declares them (scripts/functions.ts reads it), so a test names the
 * function and never restates its route: a route changed in functions.yml is tested as changed.
 */
import { listFunctions, type HttpRoute } from '../../scripts/functions';

let byName: Map<string, HttpRoute> | undefined;

/** The first HTTP route of `functionName` (the one without a `.xml`/`.json` suffix). */
export function routeOf(functionName: string): HttpRoute {
  byName ??= new Map(listFunctions().flatMap((f) => (f.routes[0] ? [[f.name, f.routes[0]] as const] : [])));
  const route = byName.get(functionName);
  if (!route) throw new Error(`no HTTP function ${functionName} in serverless.yml`);
  return route;
}

/**
 * esbuild plugins for the Lambda bundles (serverless.yml custom.esbuild `plugins`; the bench's
 * cold-start build loads the same file, bench/cold-start.ts).
 *
 * leaveOutResponseSchemas: a function file's `import * as responses from
 * '../../lib/<surface>/responses'` becomes an empty module in the bundle. Those zod schemas
 * describe the success bodies for the OpenAPI generator (scripts/openapi-document.ts, run from
 * the sources) and the conformance tests; the handler factory only keeps them in
 * `handler.definition` and never checks a reply against them at run time (lib/http/handler.ts
 * `HandlerOptions.output`). Building them cost every cold start about a tenth of its require time
 * (docs/PERFORMANCE.md, "Cold start"); in a bundle `definition.output` is undefined.
 */
const { join } = require('node:path');

const namespace = 'allot-response-schemas';

const leaveOutResponseSchemas = {
  name: 'allot-leave-out-response-schemas',
  setup(build) {
    build.onResolve({ filter: /\/lib\/[a-z-]+\/responses$/ }, (args) =>
      /[\\/]functions[\\/]/.test(args.importer) ? { path: join(args.resolveDir, args.path), namespace } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace }, () => ({
      contents: '// Left out of the Lambda bundle (scripts/esbuild-plugins.cjs): response schemas are documentation.\nmodule.exports = {};\n',
      loader: 'js',
    }));
  },
};

module.exports = [leaveOutResponseSchemas];

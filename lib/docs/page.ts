/**
 * GET /docs: Swagger UI (swagger-ui-dist, SmartBear's maintained build) rendering
 * /openapi.json, with "try it" sending requests to this same server. Its files are served from
 * the npm package (copied into this function's zip by `package.patterns`), never from a CDN.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { HttpResult } from '../http/types';

const assets: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
};

// On Lambda the task root holds the zip (node_modules/swagger-ui-dist/… from package.patterns);
// locally (serverless-offline, which sets LAMBDA_TASK_ROOT to /var/task, and tests) the
// working directory is the repository.
function assetDir(): string {
  const inZip = resolve(process.env.LAMBDA_TASK_ROOT ?? '/var/task', 'node_modules/swagger-ui-dist');
  return existsSync(inZip) ? inZip : resolve(process.cwd(), 'node_modules/swagger-ui-dist');
}

const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Allot API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
<div id="docs"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/swagger-ui-standalone-preset.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
`;

// In a file of its own rather than inline, so a strict Content-Security-Policy can forbid inline scripts.
const init = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#docs',
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: 'StandaloneLayout',
});
`;

const security = { 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'public, max-age=300' };

export function docsPage(): HttpResult {
  return { statusCode: 200, headers: { ...security, 'Content-Type': 'text/html; charset=utf-8' }, body: page };
}

export function docsAsset(file: string): HttpResult {
  if (file === 'init.js') return { statusCode: 200, headers: { ...security, 'Content-Type': assets['swagger-ui-bundle.js']! }, body: init };
  const type = Object.hasOwn(assets, file) ? assets[file] : undefined;
  if (!type) return { statusCode: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: 'Not found\n' };
  return { statusCode: 200, headers: { ...security, 'Content-Type': type }, body: readFileSync(resolve(assetDir(), file), 'utf8') };
}

/** `npm run openapi`: writes docs/openapi.json from the code (scripts/openapi-document.ts). */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildOpenApiDocument } from './openapi-document';
import { repoRoot } from './tables';

async function main(): Promise<void> {
  const target = resolve(repoRoot, 'docs/openapi.json');
  const document = await buildOpenApiDocument();
  writeFileSync(target, `${JSON.stringify(document, null, 2)}\n`);
  console.log(`wrote ${target} (${Object.keys(document.paths as object).length} paths)`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});

import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// `import { z }` pulls all of zod (450 KB) into every bundle; the namespace import tree-shakes.
const zodImport = {
  selector: "ImportDeclaration[source.value='zod'][importKind!='type'] > ImportSpecifier[imported.name='z']",
  message: "Use `import * as z from 'zod'`: it tree-shakes, `import { z }` bundles all of zod.",
};

export default tseslint.config(
  { ignores: ['node_modules/', '.serverless/', '.esbuild/', '.data/', 'coverage/', 'bench/results.json'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', zodImport],
      'no-restricted-properties': ['error',
        { object: 'it', property: 'only' }, { object: 'describe', property: 'only' },
        { object: 'it', property: 'skip' }, { object: 'describe', property: 'skip' },
        { object: 'test', property: 'only' }, { object: 'test', property: 'skip' }],
    },
  },
  // Every key of a table is built in its keys module (docs/CONVENTIONS.md): a `T#...` template
  // anywhere else in lib/ is a key built by hand.
  {
    files: ['lib/**/*.ts'],
    ignores: ['lib/**/keys.ts'],
    rules: {
      'no-restricted-syntax': ['error', zodImport, {
        selector: 'TemplateLiteral[quasis.0.value.raw=/^T#/]',
        message: "Keys are built in the table's keys.ts (lib/<surface>/keys.ts, lib/tenants/keys.ts, lib/idempotency/keys.ts).",
      }],
    },
  },
  // Only a table's repository modules (and the toolkit in lib/db) talk to DynamoDB (docs/CONVENTIONS.md).
  {
    files: ['lib/**/*.ts'],
    ignores: ['lib/db/**', 'lib/**/repository*.ts', 'lib/admin/target.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [
          { name: '@aws-sdk/client-dynamodb', message: 'DynamoDB commands belong in a repository module (lib/<surface>/repository*.ts).' },
          { name: '@aws-sdk/lib-dynamodb', allowImportNames: ['NumberValue'], message: 'DynamoDB commands belong in a repository module (lib/<surface>/repository*.ts).' },
        ],
        patterns: [{ regex: '(^|/)db/(client|paging|batch|claim)$', message: 'DynamoDB calls belong in a repository module (lib/<surface>/repository*.ts).' }],
      }],
    },
  },
  // Serverless loads local plugins with require(): CommonJS (scripts/stack-plugin.cjs).
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', __filename: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);

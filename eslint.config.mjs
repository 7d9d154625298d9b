import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', '.serverless/', '.esbuild/', '.data/', 'coverage/', 'bench/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-properties': ['error',
        { object: 'it', property: 'only' }, { object: 'describe', property: 'only' },
        { object: 'it', property: 'skip' }, { object: 'describe', property: 'skip' },
        { object: 'test', property: 'only' }, { object: 'test', property: 'skip' }],
    },
  },
);

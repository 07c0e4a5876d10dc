// Lint rules: typescript-eslint's recommended set plus the project's test honesty rules.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', '.data/**', '.reports/**', 'dist/**', '.aftershock/**', 'sdk/go/**', 'sdk/typescript/dist/**', '**/static/vendor/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    // Plain JavaScript that runs before tsx exists (npm's postinstall).
    files: ['**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', URL: 'readonly', console: 'readonly' } },
  },
  {
    // The k6 scripts run in k6's runtime, not Node, and are shipped alone into the k6 container.
    files: ['load/k6/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['node:*', '../../*'], message: 'k6 scripts run in k6, not Node: import k6 modules and load/k6/lib only.' }] },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'it', property: 'skip', message: 'No skipped tests.' },
        { object: 'it', property: 'only', message: 'No focused tests.' },
        { object: 'describe', property: 'skip', message: 'No skipped tests.' },
        { object: 'describe', property: 'only', message: 'No focused tests.' },
        { object: 'test', property: 'skip', message: 'No skipped tests.' },
        { object: 'test', property: 'only', message: 'No focused tests.' },
        { object: 'it', property: 'skipIf', message: 'No conditionally skipped tests.' },
        { object: 'it', property: 'runIf', message: 'No conditionally skipped tests.' },
        { object: 'describe', property: 'skipIf', message: 'No conditionally skipped tests.' },
        { object: 'describe', property: 'runIf', message: 'No conditionally skipped tests.' },
      ],
    },
  },
);

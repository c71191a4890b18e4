import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'data/**', 'node_modules/**', 'client/dist/**', 'test-output/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration through server/config.ts.' },
      ],
    },
  },
  // A capability's service is its public face: its *-sql.ts is imported only from its own folder.
  {
    files: ['server/*/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../**/*-sql.js', '../**/*-sql'],
              message: "Another capability's *-sql.ts: go through that capability's service (server/services.ts).",
            },
          ],
        },
      ],
    },
  },
  {
    files: ['server/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['./*/*-sql.js', './*/*-sql'],
              message: "A capability's *-sql.ts: go through its service (server/services.ts).",
            },
          ],
        },
      ],
    },
  },
  {
    files: ['server/config.ts', 'tests/**', 'bench/**', 'vitest.config.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
  { files: ['eslint.config.js'], ...tseslint.configs.disableTypeChecked },
  // Plain JavaScript run before anything is compiled (npm start's build check).
  { files: ['scripts/*.mjs'], ...tseslint.configs.disableTypeChecked },
);

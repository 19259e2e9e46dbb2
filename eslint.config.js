// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The import direction of DESIGN.md ("what may import what"), checked mechanically so a wrong
// import fails in CI rather than in review.
const layer = (files, forbidden, message) => ({
  files,
  rules: {
    'no-restricted-imports': ['error', { patterns: forbidden.map((group) => ({ group: [group], message })) }],
  },
});

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'coverage/', 'test-output/', 'public/vendor/', '.tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'off',
    },
  },
  layer(['src/core/**'], ['../*', '../../*'], 'src/core holds types only and imports nothing.'),
  layer(
    ['src/domain/**'],
    [
      '**/store/*',
      '**/runtime/*',
      '**/server/*',
      '**/nlu/*',
      '**/dialogs/*',
      '**/adapters/*',
      '**/handoff/*',
      '**/notify/*',
    ],
    'src/domain may import only src/core.',
  ),
  layer(
    ['dialogs/**'],
    [
      '**/store/*',
      '**/runtime/*',
      '**/server/*',
      '**/nlu/*',
      '**/adapters/*',
      '**/handoff/*',
      '**/notify/*',
      'ioredis',
      'node:*',
    ],
    'dialogs are pure: core and domain only, no I/O.',
  ),
  layer(
    ['src/nlu/**'],
    ['**/store/*', '**/runtime/*', '**/server/*', '**/dialogs/*', '**/adapters/*', '**/handoff/*', '**/notify/*'],
    'src/nlu may import only src/core and src/domain.',
  ),
  layer(
    ['src/store/**'],
    ['**/runtime/*', '**/server/*', '**/nlu/*', '**/dialogs/*', '**/adapters/*', '**/handoff/*', '**/notify/*'],
    'src/store may import only src/core and src/domain.',
  ),
  layer(
    ['adapters/**'],
    [
      '**/src/store/*',
      '**/src/runtime/*',
      '**/src/server/*',
      '**/src/nlu/*',
      '**/dialogs/*',
      '**/src/domain/*',
      '**/src/handoff/*',
      '**/src/notify/*',
    ],
    'an adapter only translates: it may import src/core only.',
  ),
  layer(
    ['src/runtime/**'],
    ['**/server/*', '**/adapters/*'],
    'the runtime must not know the HTTP server or the channels.',
  ),
  {
    files: ['public/**/*.js'],
    languageOptions: {
      globals: {
        window: 'readonly',
        document: 'readonly',
        fetch: 'readonly',
        localStorage: 'readonly',
        navigator: 'readonly',
        crypto: 'readonly',
        EventSource: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
      },
    },
  },
);

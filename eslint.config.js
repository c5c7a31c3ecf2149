// The JavaScript linter's rules (ctest -L static runs it): eslint's recommended set for the web
// client (browser modules) and the tests and tools (node modules).
import js from '@eslint/js';
import globals from 'globals';

export default [
  { ignores: ['build*/**', 'node_modules/**', 'web-client/vendor/**', 'data/**'] },
  js.configs.recommended,
  {
    files: ['web-client/**/*.js'],
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: { ...globals.browser } },
  },
  {
    files: ['tests/**/*.mjs', 'tests/**/*.js', 'eslint.config.js'],
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: { ...globals.node } },
  },
  {
    // What the browser tests run inside the page (page.evaluate) is browser code.
    files: ['tests/browser/**/*.mjs', 'tests/lib/browser.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
  {
    rules: {
      'no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
];

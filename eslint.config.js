import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Files matching `files` may not import modules matching `banned` (paths as written in the import). */
function layer(files, banned, message) {
  return [{ files: [files].flat(), rules: { 'no-restricted-imports': ['error', { patterns: [{ group: banned, message }] }] } }];
}

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'var/', 'test-results/', 'coverage/', 'views/assets/vendor/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // Layers (issue 24): the sdk is the contract both sides import, never the module; text helpers
  // sit below everything; platforms and rendering never reach delivery or settings; delivery never
  // reaches settings; webhooks never reach delivery. A wrong import fails `npm run lint`.
  ...layer('sdk/**', ['**/module/**', '**/host/**'], 'the sdk is the host <-> module contract: it imports neither side'),
  ...layer(
    'module/text/**',
    ['**/events/**', '**/platforms/**', '**/rendering/**', '**/delivery/**', '**/settings/**', '**/webhooks/**'],
    'text helpers are the bottom layer of the module',
  ),
  ...layer(
    ['module/platforms/**', 'module/rendering/**'],
    ['**/delivery/**', '**/settings/**'],
    'platforms and rendering never import delivery or settings',
  ),
  ...layer('module/delivery/**', ['**/settings/**'], 'delivery never imports settings'),
  ...layer('module/webhooks/**', ['**/delivery/**'], 'webhooks never import delivery'),
  {
    // Tests and benchmarks build deliberately malformed payloads and read child-process messages.
    files: ['test/**', 'bench/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);

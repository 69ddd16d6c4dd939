// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Import boundaries (GUIDE §2): arrows point inward, server → app → routes → schemas, commands;
 * resp → commands; commands → store. Each folder lists what it must never reach for.
 * Type-only imports stay allowed where noted: they vanish at runtime and couple nothing.
 */
const FRAMEWORKS = ['fastify', 'zod', 'pino', 'pino-pretty', 'net', 'node:net', 'convict'].map((name) => ({
  name,
  message: 'The engine stays free of frameworks, sockets and logging; the doors (routes, resp) own those.',
}));
const FASTIFY_PLUGINS = { group: ['@fastify/*', 'fastify-*'], message: 'HTTP belongs to routes/ and src/app.ts.' };
const HTTP_LAYER = { group: ['**/routes/**', '**/schemas/**', '../app.js', '../server.js', '**/config/**'], message: 'Only the composition root and the HTTP layer import these.' };

/** @param {string[]} files @param {object} options */
function boundary(files, options) {
  return { files, rules: { '@typescript-eslint/no-restricted-imports': ['error', options] } };
}

export default tseslint.config(
  { ignores: ['dist/**', 'coverage/**', 'node_modules/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', performance: 'readonly', fetch: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      // Binary-safe code matches control bytes (\x00-\x1f) on purpose: in UTF-8 and base64 checks.
      'no-control-regex': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // `x != null` (null or undefined) is a deliberate idiom; every other comparison is strict.
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  boundary(['src/store/**/*.ts'], {
    paths: FRAMEWORKS,
    patterns: [FASTIFY_PLUGINS, HTTP_LAYER, { group: ['**/commands/**', '**/resp/**', '**/persistence/**', '**/engine.js'], message: 'The store is the innermost layer: commands and doors import it, never the reverse.' }],
  }),
  boundary(['src/commands/**/*.ts'], {
    paths: FRAMEWORKS,
    patterns: [FASTIFY_PLUGINS, HTTP_LAYER, { group: ['**/resp/**'], message: 'Commands are protocol-neutral; RESP renders their replies.' }],
  }),
  boundary(['src/persistence/**/*.ts'], {
    paths: FRAMEWORKS,
    patterns: [FASTIFY_PLUGINS, HTTP_LAYER, { group: ['**/resp/**'], message: 'The append-only log replays through the dispatcher; it never goes through a door.' }],
  }),
  boundary(['src/resp/**/*.ts'], {
    paths: ['fastify', 'zod'].map((name) => ({ name, message: 'The RESP door parses and renders; HTTP stays in routes/.' })),
    patterns: [
      FASTIFY_PLUGINS,
      { group: ['**/routes/**', '**/schemas/**', '**/app.js'], message: 'The RESP door does not go through HTTP.' },
      { group: ['**/store/**'], allowTypeImports: true, message: 'RESP reaches the store only through the dispatcher (src/commands, src/engine.ts).' },
    ],
  }),
  boundary(['routes/**/*.ts', 'schemas/**/*.ts'], {
    patterns: [{ group: ['**/src/store/**', '**/src/resp/**'], allowTypeImports: true, message: 'Routes go through the dispatcher, never around it into the store or the RESP door.' }],
  }),
);

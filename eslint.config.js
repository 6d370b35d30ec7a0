// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

/** Folders may only import along the arrows ui → state ← runner; plan and warehouse import none of ours. */
const topLevelPatterns = (forbidden) =>
  forbidden.map((dir) => ({
    group: [`**/${dir}/*`, `../${dir}`, `../${dir}/*`],
    message: `imports go ui → state ← runner; plan and warehouse import none of ours (no ${dir} here)`,
  }));

const boundary = (files, forbidden) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns: topLevelPatterns(forbidden) }] },
});

/**
 * The runner's parts import one way (docs/architecture.md draws the arrows):
 *   tasks → executor, session, coordinator, logs, process
 *   executor → process;  session → logs, process;  coordinator → logs, process
 *   orchestration, coverage, logs, process, notify → none of the other parts
 * Each part's entry repeats the runner's top-level rule: a later flat-config entry replaces
 * the options of an earlier one for the same rule instead of adding to them.
 */
const runnerParts = [
  'tasks',
  'executor',
  'session',
  'coordinator',
  'orchestration',
  'coverage',
  'logs',
  'process',
  'notify',
];
const runnerMayImport = {
  tasks: ['executor', 'session', 'coordinator', 'logs', 'process'],
  executor: ['process'],
  session: ['logs', 'process'],
  coordinator: ['logs', 'process'],
  orchestration: [],
  coverage: [],
  logs: [],
  process: [],
  notify: [],
};
const runnerPart = (part) => ({
  files: [`src/runner/${part}/**`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          ...topLevelPatterns(['ui']),
          ...runnerParts
            .filter((other) => other !== part && !runnerMayImport[part].includes(other))
            .map((other) => ({
              group: [`../${other}`, `../${other}/*`, `**/runner/${other}/*`],
              message: `runner parts import one way (see docs/architecture.md): runner/${part} may not import runner/${other}`,
            })),
        ],
      },
    ],
  },
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'bench/results/**', '**/.backfill/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', 'bin/*.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  {
    // Plain JavaScript: the shim, the demo's simulated processors and test fixtures.
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      parserOptions: { projectService: false },
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        clearTimeout: 'readonly',
        setImmediate: 'readonly',
      },
    },
  },
  {
    // The bin is CommonJS (bin/package.json): no ES module loader for `--help`.
    files: ['bin/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', __dirname: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  boundary(['src/plan/**'], ['state', 'runner', 'ui', 'warehouse']),
  boundary(['src/warehouse/**'], ['state', 'runner', 'ui', 'plan']),
  boundary(['src/state/**'], ['runner', 'ui', 'warehouse']),
  boundary(['src/runner/**'], ['ui']),
  boundary(['src/ui/**'], ['runner', 'warehouse']),
  ...runnerParts.map(runnerPart),
  {
    // The runner reads in named steps: a function past a screenful is split into module
    // functions over the state it shares, and a file past ~300 lines into siblings.
    files: ['src/runner/**/*.ts'],
    rules: {
      'max-lines-per-function': [
        'error',
        { max: 100, skipBlankLines: true, skipComments: true, IIFEs: true },
      ],
      'max-lines': ['error', { max: 300, skipBlankLines: true, skipComments: true }],
    },
  },
);

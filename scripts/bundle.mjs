// The console's code path as one file: src/console-command.ts and everything it imports (ink,
// react, zod, yaml, execa and the app) bundled by esbuild over tsc's dist/console-command.js.
// Loading ~1,000 small ESM modules took most of the first frame on a 1000-task plan; one file
// needs one read and one compile. The other commands and the child processes' entries stay
// tsc's one-file-per-module output (dist/), so `--help`, `validate`, `status`, `run` and
// `report` load exactly what they did (test/e2e/startup.e2e.test.ts).
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Ink imports its devtools module only under DEV=true, and that module imports
 * react-devtools-core, which is not installed. Bundled, that import would be hoisted and run
 * at every start: replace the module with one that fails like the missing package, which
 * Ink catches and reports as it does unbundled.
 */
const inkDevtoolsAbsent = {
  name: 'ink-devtools-absent',
  setup(b) {
    b.onResolve({ filter: /^\.\/devtools\.js$/ }, ({ importer }) =>
      /[\\/]node_modules[\\/]ink[\\/]/.test(importer)
        ? { path: 'ink-devtools', namespace: 'ink-devtools-absent' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'ink-devtools-absent' }, () => ({
      contents:
        "throw Object.assign(new Error('react-devtools-core is not bundled'), { code: 'ERR_MODULE_NOT_FOUND' });",
      loader: 'js',
    }));
  },
};

await build({
  absWorkingDir: root,
  entryPoints: ['src/console-command.ts'],
  outfile: 'dist/console-command.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20.5',
  // Native (better-sqlite3) or loaded only on a BigQuery warehouse's first query.
  external: ['better-sqlite3', '@google-cloud/bigquery', 'google-auth-library'],
  // The shipped console runs React's production build (the development build costs ~30 %
  // more CPU and leaks RSS); fixing it here also drops the development builds from the file.
  define: { 'process.env.NODE_ENV': '"production"' },
  // The CommonJS packages inside (react, react-reconciler, cross-spawn…) call require() for
  // Node's built-in modules; an ESM file has no require of its own.
  banner: {
    js: "import { createRequire as bundleCreateRequire } from 'node:module';\nconst require = bundleCreateRequire(import.meta.url);",
  },
  plugins: [inkDevtoolsAbsent],
  // Stack traces name the TypeScript sources (cli.ts enables source maps for the console).
  sourcemap: 'linked',
  sourcesContent: false,
  logLevel: 'warning',
});

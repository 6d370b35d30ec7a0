// The console's code path as one file: src/console-command.ts and everything it imports (ink,
// react, zod, yaml and the app) bundled by esbuild over tsc's dist/console-command.js.
// Loading ~1,000 small ESM modules took most of the first frame on a 1000-task plan; one file
// needs one read and one compile. The other commands and the child processes' entries stay
// tsc's one-file-per-module output (dist/), so `--help`, `validate`, `status`, `run` and
// `report` load exactly what they did (test/e2e/startup.e2e.test.ts).
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const stringWidthOfInk = path.join(root, 'node_modules/string-width');

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

/**
 * Yoga's Emscripten loader looks up `fetch` before it decodes its inlined wasm. In Node 20
 * that first look loads undici (about 45 ms at start-up) only to fetch a data: URL, which
 * then takes another 12 ms. Without `fetch` the loader decodes the same bytes at once.
 * The build fails if the pattern is gone, so a Yoga upgrade cannot silently undo this.
 */
const yogaWithoutFetch = {
  name: 'yoga-without-fetch',
  setup(b) {
    b.onLoad(
      { filter: /[\\/]yoga-layout[\\/]dist[\\/]binaries[\\/].*\.js$/ },
      async ({ path: file }) => {
        const source = await readFile(file, 'utf8');
        const probe = /"function"\s*!=\s*typeof fetch/g;
        const found = source.match(probe)?.length ?? 0;
        if (found === 0) throw new Error(`${file}: no "typeof fetch" test left to remove`);
        return { contents: source.replace(probe, 'true'), loader: 'js' };
      },
    );
  },
};

/**
 * Every locale zod ships (64, about 400 KB of the bundle) is exported as `z.locales`, which
 * this code never uses; zod configures English itself from its own locales/en.js. Parsing
 * and running them cost ~15 ms at each start.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, ({ importer }) =>
      /[\\/]node_modules[\\/]zod[\\/]/.test(importer)
        ? { path: 'zod-locales', namespace: 'zod-english-only' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, () => ({
      contents: "export { default as en } from './en.js';",
      loader: 'js',
      resolveDir: path.join(root, 'node_modules/zod/v4/locales'),
    }));
  },
};

/**
 * Ink's renderer imports its Output from './output.js'; the bundle takes src/ui/ink-output.ts
 * instead: the same text for the same writes, rebuilding only the rows whose writes changed
 * since an earlier frame (Ink rebuilds and re-tokenizes every row of every frame).
 */
const inkOutputOfOurs = {
  name: 'ink-output-of-ours',
  setup(b) {
    b.onResolve({ filter: /^\.\/output\.js$/ }, ({ importer }) =>
      /[\\/]node_modules[\\/]ink[\\/]build[\\/]renderer\.js$/.test(importer)
        ? { path: path.join(root, 'src/ui/ink-output.ts') }
        : undefined,
    );
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
  // wrap-ansi (inside Ink) pins string-width 7, Ink itself uses 8: one copy, so Ink wraps
  // and measures with the same rules, and the second copy's emoji regex (~20 ms to build at
  // start-up) is gone. 8 keeps 7's API (stringWidth(text, options)).
  alias: { 'string-width': stringWidthOfInk },
  plugins: [inkDevtoolsAbsent, yogaWithoutFetch, zodEnglishOnly, inkOutputOfOurs],
  // Stack traces name the TypeScript sources (cli.ts enables source maps for the console).
  sourcemap: 'linked',
  sourcesContent: false,
  logLevel: 'warning',
});

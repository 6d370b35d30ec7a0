import { mapStackTracesOf } from './bundle-stack-traces.js';
import { loadOrExit } from './load-or-exit.js';

/**
 * The console: the plan, then the interactive session, or the plan headless when stdout is
 * not a terminal. `npm run build` bundles this module and all it imports (ink, react, zod,
 * yaml…) into one file that replaces its own dist/console-command.js (see
 * scripts/bundle.mjs): the ESM loader then reads one file instead of about a thousand before
 * the first frame.
 */
export const runConsoleCommand = async (planFile: string): Promise<number> => {
  // A crash report names src/…ts lines, not lines of the one bundled file.
  mapStackTracesOf(import.meta.url);
  // On a terminal the console is what runs: its code starts loading before the plan is read,
  // so Yoga's WebAssembly compiles on V8's background threads while the plan is parsed
  // (~35 ms of the first frame spent waiting otherwise).
  const consoleCode = process.stdout.isTTY ? import('./run-console.js') : undefined;
  // A broken plan exits here; the console's code, loaded or not, is never used.
  consoleCode?.catch(() => undefined);
  const plan = await loadOrExit(planFile);
  if (!process.stdout.isTTY) {
    // Piped or redirected: nobody can drive a screen, so run the plan headless.
    process.stdout.write(
      'stdout is not a terminal: running the plan headless (backfill-console run)\n',
    );
    const { runHeadless } = await import('./headless/run-command.js');
    return runHeadless(plan, { mode: 'all', dryRun: false }, process.stdout);
  }
  const { runConsole } = await (consoleCode ?? import('./run-console.js'));
  return runConsole(plan);
};

import { mapStackTracesOf } from './bundle-stack-traces.js';
import { loadOrExit } from './load-or-exit.js';

/**
 * The console: the plan, then the interactive session, or the plan headless when stdout is
 * not a terminal. `npm run build` bundles this module and all it imports (ink, react, zod,
 * yaml, execa…) into one file that replaces its own dist/console-command.js (see
 * scripts/bundle.mjs): the ESM loader then reads one file instead of about a thousand before
 * the first frame.
 */
export const runConsoleCommand = async (planFile: string): Promise<number> => {
  // A crash report names src/…ts lines, not lines of the one bundled file.
  mapStackTracesOf(import.meta.url);
  const plan = await loadOrExit(planFile);
  if (!process.stdout.isTTY) {
    // Piped or redirected: nobody can drive a screen, so run the plan headless.
    process.stdout.write(
      'stdout is not a terminal: running the plan headless (backfill-console run)\n',
    );
    const { runHeadless } = await import('./headless/run-command.js');
    return runHeadless(plan, { mode: 'all', dryRun: false }, process.stdout);
  }
  const { runConsole } = await import('./run-console.js');
  return runConsole(plan);
};

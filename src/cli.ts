import { readFileSync } from 'node:fs';
import module from 'node:module';
import { parseCliArgs, usage } from './cli-args.js';
import { loadOrExit } from './load-or-exit.js';

// Node 22.1+ keeps V8's compiled code of every module loaded from here on between runs (in
// the OS temp folder); Node 20, which @types/node describes, has no such cache.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

// Each command imports what it needs when it runs: `--help` reads no plan, `validate`,
// `status` and `run` never load ink or react, and only the console loads the UI.

const version = (): string =>
  (
    JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    }
  ).version;

const main = async (): Promise<number> => {
  const args = parseCliArgs(process.argv.slice(2));
  switch (args.command) {
    case 'help':
      process.stdout.write(`${usage}\n`);
      return 0;
    case 'version':
      process.stdout.write(`${version()}\n`);
      return 0;
    case 'error':
      process.stderr.write(`backfill-console: ${args.message}\n\n${usage}\n`);
      return 2;
    case 'validate': {
      const { runValidate } = await import('./headless/validate-command.js');
      return runValidate(
        await loadOrExit(args.plan),
        { warehouse: args.warehouse },
        process.stdout,
      );
    }
    case 'schema': {
      const { planJsonSchemaText } = await import('./plan/json-schema.js');
      process.stdout.write(planJsonSchemaText());
      return 0;
    }
    case 'status': {
      const plan = await loadOrExit(args.plan);
      const { runStatus } = await import('./headless/status-command.js');
      return runStatus(plan, args.json, process.stdout);
    }
    case 'report': {
      const plan = await loadOrExit(args.plan);
      // Loaded only when asked for; it imports no UI code.
      const { runReport } = await import('./headless/report-command.js');
      return runReport(plan, args.out, process.stdout);
    }
    case 'run': {
      const plan = await loadOrExit(args.plan);
      // A typo in an id must not read as "nothing to do, all fine".
      const unknown = [
        ...(args.only ?? [])
          .filter((id) => !plan.processors.some((p) => p.id === id))
          .map((id) => `processor "${id}"`),
        ...(args.windows ?? [])
          .filter((id) => !plan.windows.some((w) => w.id === id))
          .map((id) => `window "${id}"`),
      ];
      if (unknown.length > 0) {
        process.stderr.write(`backfill-console: unknown ${unknown.join(', ')} in ${plan.file}\n`);
        return 2;
      }
      const { runHeadless } = await import('./headless/run-command.js');
      return runHeadless(
        plan,
        { mode: args.mode, processors: args.only, windows: args.windows, dryRun: args.dryRun },
        process.stdout,
      );
    }
    case 'console': {
      const { runConsoleCommand } = await import('./console-command.js');
      return runConsoleCommand(args.plan);
    }
  }
};

// If the event loop ever empties with main() unsettled, say so by the exit status rather
// than report success: every normal path below sets the real code.
process.exitCode = 70;

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `backfill-console: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);

import { mkdirSync, readFileSync } from 'node:fs';
import { render } from 'ink';
import { loadPlan, PlanError } from './plan/index.js';
import type { Plan } from './plan/index.js';
import { createAppStore } from './state/store.js';
import { createLogBook } from './state/log-book.js';
import { createSupervisor } from './runner/supervisor.js';
import { createCoveragePoller } from './runner/coverage-poller.js';
import { openPlanWarehouse } from './runner/open-plan-warehouse.js';
import { App } from './ui/app.js';
import { parseCliArgs, usage } from './cli-args.js';
import { runStatus } from './headless/status-command.js';
import { enterFullScreen } from './terminal.js';

const version = (): string =>
  (
    JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    }
  ).version;

const loadOrExit = (file: string): Plan => {
  try {
    return loadPlan(file);
  } catch (error) {
    if (error instanceof PlanError) {
      process.stderr.write(`backfill-console: invalid plan\n${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
};

const runConsole = async (plan: Plan): Promise<number> => {
  if (!process.stdout.isTTY || !process.stdin.isTTY) {
    process.stderr.write(
      'backfill-console: the console needs a terminal (stdin and stdout must be a TTY)\n',
    );
    return 2;
  }
  mkdirSync(plan.stateDir, { recursive: true, mode: 0o700 });
  const store = createAppStore(plan);
  const logBook = createLogBook(plan.settings.logTailLines);
  const warehouse = openPlanWarehouse(plan);
  const poller = warehouse ? createCoveragePoller({ plan, store, warehouse }) : undefined;
  const supervisor = createSupervisor({
    plan,
    store,
    logBook,
    onTaskEnded: (id) => void poller?.refresh([id]),
  });
  const coverage =
    warehouse && poller
      ? { refreshAll: () => void poller.refreshAll(), description: warehouse.description }
      : undefined;
  const restoreScreen = enterFullScreen(process.stdout);

  let quitting: Promise<void> | undefined;
  let terminalGone = false;
  let resolveExit: (code: number) => void = () => {};
  const exited = new Promise<number>((resolve) => (resolveExit = resolve));

  const quit = (code = 0) => {
    quitting ??= (async () => {
      const running = supervisor.runningCount();
      if (running > 0) {
        store.getState().noticeShown(`stopping ${running} task${running > 1 ? 's' : ''}…`, 'warn');
      }
      await supervisor.stopAll();
      supervisor.dispose();
      poller?.dispose();
      await warehouse?.close().catch(() => undefined);
      if (terminalGone) {
        // Node 20 asserts and aborts in ResetStdio when the tty has hung up (tcsetattr EIO);
        // the tasks are stopped and nobody can read a message, so leave without the reset.
        process.kill(process.pid, 'SIGKILL');
      }
      instance.unmount();
      restoreScreen();
      resolveExit(code);
    })();
  };

  const instance = render(
    <App
      store={store}
      logBook={logBook}
      control={supervisor}
      coverage={coverage}
      onQuit={() => quit(0)}
    />,
    {
      exitOnCtrlC: false,
      patchConsole: true,
      // The ingest tick is 33 ms; a 30 fps cap would draw only every second tick.
      maxFps: 60,
      // Ink 6.8's incremental renderer moves the cursor up one row too few when the frame
      // ends with a newline (any frame shorter than the terminal), so every redraw lands one
      // row low and the top row goes stale. The standard renderer erases line by line.
      incrementalRendering: false,
    },
  );

  // The first look at the warehouse: the tracker fills in while the operator reads the table.
  void poller?.refreshAll();
  poller?.start();

  // Signals follow the quit policy: stop the tasks, restore the terminal, then leave.
  const signalNumbers = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 } as const;
  for (const signal of Object.keys(signalNumbers) as (keyof typeof signalNumbers)[]) {
    process.on(signal, () => {
      // SIGHUP: the terminal is gone; writing to it would only raise EIO.
      if (signal === 'SIGHUP') terminalGone = true;
      quit(128 + signalNumbers[signal]);
    });
  }
  const onTerminalError = (error: NodeJS.ErrnoException) => {
    if (error.code === 'EIO' || error.code === 'EPIPE' || error.code === 'ENXIO') {
      terminalGone = true;
      quit(129);
    } else crash(error);
  };
  process.stdout.on('error', onTerminalError);
  process.stdin.on('error', onTerminalError);
  // A bug must not leave a blank alternate screen behind: restore the terminal, say what
  // happened, and still stop the tasks.
  const crash = (error: unknown) => {
    if (!terminalGone) restoreScreen();
    process.stderr.write(
      `backfill-console crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n` +
        `Task logs are kept in ${plan.stateDir}/logs. Stopping running tasks…\n`,
    );
    void supervisor.stopAll().finally(() => process.exit(1));
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  process.on('exit', restoreScreen);
  return exited;
};

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
      const plan = loadOrExit(args.plan);
      process.stdout.write(
        `${plan.file}: ok · ${plan.windows.length} windows · ${plan.processors.length} processors · ${plan.tasks.length} tasks\n` +
          plan.tasks.map((t) => `  phase ${t.phaseId}  ${t.id}`).join('\n') +
          '\n',
      );
      return 0;
    }
    case 'status':
      return runStatus(loadOrExit(args.plan), args.json, process.stdout);
    case 'console':
      return runConsole(loadOrExit(args.plan));
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

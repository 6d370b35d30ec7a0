import { mkdirSync, writeSync } from 'node:fs';
import path from 'node:path';
import { render } from 'ink';
import type { Plan } from './plan/index.js';
import { createAppStore } from './state/store.js';
import { createLogBook } from './state/log-book.js';
import { createSupervisor } from './runner/tasks/supervisor.js';
import { createCoveragePoller } from './runner/coverage/coverage-poller.js';
import { openPlanWarehouse } from './runner/coverage/open-plan-warehouse.js';
import { keepJournal } from './runner/session/journal-keeper.js';
import { keepHistory } from './runner/session/history-keeper.js';
import { buildHandoff, writeHandoffFile } from './runner/session/handoff-writer.js';
import { stateWriteProblem } from './runner/session/state-write-problem.js';
import { createNotifier } from './runner/notify/notifier.js';
import { createRetrier } from './runner/orchestration/retries.js';
import { restoreSession } from './runner/session/restore-session.js';
import { acquireStateLock } from './runner/session/state-lock.js';
import { createScheduler } from './runner/orchestration/scheduler.js';
import { planRedactor } from './runner/logs/redaction.js';
import { App } from './ui/app.js';
import { enterFullScreen } from './terminal.js';
import { createScreenWriter } from './ui/screen-writer.js';
import { createPaint } from './ui/paint.js';

type QuitPolicy = 'stop' | 'leave';

/**
 * The interactive console: wires store, supervisor, coverage and journal, renders, and owns
 * every way out. Tasks are separate process groups writing to files, so leaving them running
 * is always safe; the next console re-attaches.
 */
export const runConsole = async (plan: Plan): Promise<number> => {
  if (!process.stdout.isTTY || !process.stdin.isTTY) {
    process.stderr.write(
      'backfill-console: the console needs a terminal (stdin and stdout must be a TTY)\n',
    );
    return 2;
  }
  try {
    mkdirSync(plan.stateDir, { recursive: true, mode: 0o700 });
  } catch (error) {
    process.stderr.write(
      `backfill-console: cannot create the state folder ${plan.stateDir}: ${(error as Error).message}\n`,
    );
    return 2;
  }
  const lock = acquireStateLock(plan.stateDir);
  if (!lock.ok) {
    process.stderr.write(
      `backfill-console: another console (pid ${lock.holderPid}) is using ${plan.stateDir}; quit it first, or give this plan another settings.stateDir\n`,
    );
    return 2;
  }

  const store = createAppStore(plan);
  const logBook = createLogBook(plan.settings.logTailLines);
  const warehouse = openPlanWarehouse(plan);
  const poller = warehouse ? createCoveragePoller({ plan, store, warehouse }) : undefined;
  const redact = planRedactor(plan);
  const history = keepHistory(plan, store, redact);
  const tracked = history.track(
    createSupervisor({
      plan,
      store,
      logBook,
      onTaskEnded: (id) => void poller?.refresh([id]),
      redact,
    }),
  );
  const retrier = createRetrier({ plan, store, control: tracked, coverage: poller });
  // x, X, r and a start by hand cancel a task's pending retry.
  const supervisor = retrier.track(tracked);
  const coverage =
    warehouse && poller
      ? { refreshAll: () => void poller.refreshAll(), description: warehouse.description }
      : undefined;
  const scheduler = createScheduler({ plan, store, control: supervisor, coverage: poller });
  // The bell and OSC sequences move no cursor: written between frames, they leave the screen alone.
  const notifier = createNotifier({ plan, store, terminal: process.stdout, redact });
  const writeHandoff = () => {
    store.getState().noticeShown('writing the handoff report (asking the warehouse first)…');
    buildHandoff(store, scheduler, warehouse?.description, redact)
      .then((markdown) => {
        let file: string;
        try {
          file = writeHandoffFile(plan, markdown);
        } catch (error) {
          // The report is written into the state folder: its trouble shows in the header too.
          const trouble = stateWriteProblem(plan.stateDir, 'the handoff report', error);
          store.getState().noticeShown(trouble.problem, 'error');
          store.getState().stateWriteFailed(trouble);
          return;
        }
        store
          .getState()
          .noticeShown(`handoff report written to ${path.relative(process.cwd(), file) || file}`);
      })
      .catch((error: unknown) =>
        store
          .getState()
          .noticeShown(`cannot write the handoff report: ${(error as Error).message}`, 'error'),
      );
  };
  const runs = { ...scheduler, writeHandoff };
  for (const message of restoreSession(plan, store, logBook, supervisor))
    store.getState().noticeShown(message, 'info');
  const stopJournal = keepJournal(plan.stateDir, store, redact);
  // Raw mode before the first frame: a key pressed as soon as the table shows must reach
  // the console, not be echoed by the tty and scroll the screen.
  process.stdin.setRawMode(true);
  const restoreScreen = enterFullScreen(process.stdout);
  const paint = createPaint();
  const screen = createScreenWriter(process.stdout, { store, logBook, paint });

  let quitting: Promise<void> | undefined;
  let terminalGone = false;
  let resolveExit: (code: number) => void = () => {};
  const exited = new Promise<number>((resolve) => (resolveExit = resolve));

  const quit = (policy: QuitPolicy, code = 0) => {
    quitting ??= (async () => {
      const running = supervisor.runningCount();
      // Nothing launches from here on: stopping a task frees a slot, and a run (or a pending
      // retry) would fill it with the next step, which would then outlive the console.
      scheduler.dispose();
      retrier.dispose();
      if (policy === 'stop' && running > 0) {
        store.getState().noticeShown(`stopping ${running} task${running > 1 ? 's' : ''}…`, 'warn');
        await supervisor.stopAll();
      }
      supervisor.dispose();
      poller?.dispose();
      stopJournal();
      history.dispose();
      notifier.dispose();
      lock.release();
      await warehouse?.close().catch(() => undefined);
      if (terminalGone) {
        // Node 20 asserts and aborts in ResetStdio when the tty has hung up (tcsetattr EIO);
        // nobody can read a message, so leave without the reset.
        process.kill(process.pid, 'SIGKILL');
      }
      instance.unmount();
      // Ink may still flush its last frame after unmount(); leave the alternate screen only
      // after that, or the frame lands on (and erases) what we print below.
      await instance.waitUntilExit().catch(() => undefined);
      await new Promise((resolve) => setImmediate(resolve));
      screen.dispose();
      restoreScreen();
      if (policy === 'leave' && running > 0) {
        process.stdout.write(
          `${running} task${running > 1 ? 's' : ''} left running; their logs are in ${plan.stateDir}/logs. Start the console again to re-attach.\n`,
        );
      }
      resolveExit(code);
    })();
  };

  // A bug must not leave a blank alternate screen or lose the tasks: restore the terminal,
  // say what happened, and leave the tasks running for the next console.
  const crash = (error: unknown) => {
    if (!terminalGone) restoreScreen();
    process.stderr.write(
      `backfill-console crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n` +
        `Running tasks keep running and logging in ${plan.stateDir}/logs; start the console again to re-attach.\n`,
    );
    lock.release();
    process.exit(1);
  };

  const instance = render(
    <App
      store={store}
      logBook={logBook}
      control={supervisor}
      coverage={coverage}
      runs={runs}
      paint={paint}
      screen={screen}
      onError={(error) => crash(error)}
      onQuit={(policy) => quit(policy)}
    />,
    {
      // Ink hands whole chrome frames to the screen writer, which paints the log panes into
      // them and rewrites only the changed rows.
      stdout: screen.sink,
      stdin: process.stdin,
      debug: true,
      exitOnCtrlC: false,
      patchConsole: false,
    },
  );

  // The first look at the warehouse: the tracker fills in while the operator reads the table.
  void poller?.refreshAll();
  poller?.start();

  // SIGINT and SIGTERM mean "shut it down": tasks are stopped. A closed terminal (SIGHUP)
  // is an accident, not a decision: tasks keep running for the next console.
  process.on('SIGINT', () => quit('stop', 130));
  process.on('SIGTERM', () => quit('stop', 143));
  process.on('SIGHUP', () => {
    // SIGHUP usually means the terminal closed, but it may be a plain `kill -HUP`: only a
    // terminal that no longer takes a write is treated as gone.
    terminalGone = !terminalAnswers();
    quit('leave', 129);
  });
  const onTerminalError = (error: NodeJS.ErrnoException) => {
    if (error.code === 'EIO' || error.code === 'EPIPE' || error.code === 'ENXIO') {
      terminalGone = true;
      quit('leave', 129);
    } else crash(error);
  };
  process.stdout.on('error', onTerminalError);
  process.stdin.on('error', onTerminalError);
  // Ink rejects its exit promise when rendering fails outside a component.
  instance.waitUntilExit().catch(crash);
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  process.on('exit', restoreScreen);
  return exited;
};

/** A no-op write to the terminal: fails with EIO once the tty has hung up. */
const terminalAnswers = (): boolean => {
  try {
    writeSync(1, '\u001b[0m');
    return true;
  } catch {
    return false;
  }
};

import { spawn } from 'node:child_process';
import type { NotifyEvent, NotifySettings } from '../../plan/unattended-schema.js';
import type { Plan, TaskId } from '../../plan/types.js';
import type { AppStore } from '../../state/store.js';
import { CellState, cellState } from '../../state/coverage-state.js';
import { TaskStatus } from '../../state/task-status.js';
import type { Redact } from '../../state/redact.js';
import { noSecrets } from '../../state/redact.js';
import { terminalAlert } from './terminal-alert.js';
import { counted } from '../../state/counted.js';
import { createEndWatch } from '../../state/task-changes.js';

export type Notification = {
  event: NotifyEvent;
  /** Empty for plan-wide events. */
  task: TaskId;
  status: string;
  message: string;
};

export type NotifierOptions = {
  plan: Plan;
  store: AppStore;
  /** Where the bell and OSC sequences go; absent when stdout is not a terminal. */
  terminal?: { write: (text: string) => unknown };
  redact?: Redact;
  /** Whether the terminal is inside tmux. @default Boolean(process.env.TMUX) */
  tmux?: boolean;
};

export type Notifier = {
  /** Resolves once every notify command started so far has ended or been killed. */
  settled: () => Promise<void>;
  dispose: () => void;
};

/**
 * Calls the operator on `settings.notify` events: a task that failed or finished with failed
 * dates, a run of the plan that finished, the plan becoming complete. The command runs
 * detached from the console's work: never awaited by it, killed after its timeout, and a
 * failure is a notice, never fatal.
 */
export const createNotifier = ({
  plan,
  store,
  terminal,
  redact = noSecrets,
  tmux = Boolean(process.env.TMUX),
}: NotifierOptions): Notifier => {
  const settings: NotifySettings | undefined = plan.settings.notify;
  if (!settings) return { settled: () => Promise.resolve(), dispose: () => undefined };
  const inFlight = new Set<Promise<void>>();
  const problem = (text: string) => store.getState().noticeShown(text, 'warn');

  const notify = (note: Notification) => {
    if (!settings.on.includes(note.event)) return;
    const message = redact(note.message);
    if (terminal && (settings.bell || settings.desktop))
      terminal.write(
        terminalAlert(message, { bell: settings.bell, desktop: settings.desktop, tmux }),
      );
    if (!settings.command) return;
    const done = runNotifyCommand(
      settings.command,
      { ...note, message },
      settings.timeoutSeconds,
      problem,
    );
    inFlight.add(done);
    void done.then(() => inFlight.delete(done));
  };

  // Only the end of a run seen running is news (a restored task's is not).
  const endsOf = createEndWatch(store.getState().tasks);
  let previous = store.getState();
  let sawIncomplete = false;
  let announcedComplete = false;
  const unsubscribe = store.subscribe((state) => {
    const before = previous;
    previous = state;
    for (const taskId of endsOf(state.tasks)) {
      const task = state.tasks[taskId];
      if (task?.status === TaskStatus.failed || task?.status === TaskStatus.withFailures)
        notify({
          event: 'task-failed',
          task: taskId,
          status: task.status,
          message: `${taskId}: ${task.reason ?? task.status}`,
        });
    }
    if (before.run && !state.run) {
      const steps = before.run.steps.map((s) => state.tasks[s.taskId]?.status);
      const ok = steps.every((s) => s === TaskStatus.succeeded || s === undefined);
      const ran = before.run.steps.filter((s) => s.state !== 'queued').length;
      notify({
        event: 'run-finished',
        task: '',
        status: ok ? 'succeeded' : 'with-failures',
        message: `run (${before.run.mode}) finished: ${ran} of ${counted(before.run.steps.length, 'step')}${ok ? '' : ', not all succeeded'}`,
      });
    }
    if (state.coverage !== before.coverage) {
      const cells = Object.values(state.coverage);
      const known = cells.length > 0 && cells.every((c) => c.refreshedAt !== undefined);
      const complete = known && cells.every((c) => cellState(c) === CellState.complete);
      if (known && !complete) sawIncomplete = true;
      // Only a change seen here is news: a plan complete at start-up calls nobody.
      if (complete && sawIncomplete && !announcedComplete) {
        announcedComplete = true;
        notify({
          event: 'plan-complete',
          task: '',
          status: 'complete',
          message: `${plan.name ?? 'plan'}: every cell complete (${cells.length})`,
        });
      }
    }
  });

  return {
    settled: async () => {
      await Promise.all([...inFlight]);
    },
    dispose: unsubscribe,
  };
};

/**
 * Runs the notify command with the event in its environment, in its own process group (a
 * timeout kills whatever it started too); resolves when it has ended, a problem told as a notice.
 */
const runNotifyCommand = (
  argv: readonly string[],
  note: Notification,
  timeoutSeconds: number,
  problem: (text: string) => void,
): Promise<void> => {
  const [file, ...args] = argv;
  if (!file) return Promise.resolve();
  return new Promise<void>((resolve) => {
    let timedOut = false;
    const child = spawn(file, args, {
      stdio: 'ignore',
      detached: true,
      env: {
        ...process.env,
        BACKFILL_EVENT: note.event,
        BACKFILL_TASK: note.task,
        BACKFILL_STATUS: note.status,
        BACKFILL_MESSAGE: note.message,
      },
    });
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, timeoutSeconds * 1000);
    child.on('error', (error) => {
      clearTimeout(timer);
      problem(`notify command failed: ${error.message}`);
      resolve();
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) problem(`notify command took longer than ${timeoutSeconds} s: killed`);
      else if (code !== 0)
        problem(`notify command ${code === null ? `ended by ${signal}` : `exited ${code}`}`);
      resolve();
    });
  });
};

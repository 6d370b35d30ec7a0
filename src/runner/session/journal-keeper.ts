import type { TaskId } from '../../plan/types.js';
import type { AppStore } from '../../state/store.js';
import type { TaskRuntime } from '../../state/tasks-slice.js';
import type { Journal, JournalTask } from './journal.js';
import { writeJournal } from './journal.js';
import { stateWriteProblem } from './state-write-problem.js';

/** The fields whose change is worth a journal write; progress alone is rebuilt from the log. */
const signature = (tasks: Record<TaskId, TaskRuntime>): string =>
  Object.entries(tasks)
    .map(
      ([id, t]) =>
        `${id}|${t.status}|${t.attempt}|${t.pid}|${t.logFile}|${t.exitCode}|${t.signal}|${t.endedAt}`,
    )
    .join('\n');

const journalOf = (tasks: Record<TaskId, TaskRuntime>): Journal => ({
  version: 1,
  writtenAt: Date.now(),
  tasks: Object.fromEntries(
    Object.entries(tasks)
      .filter(([, task]) => task.attempt > 0)
      .map(([id, { killAt: _killAt, ...task }]): [TaskId, JournalTask] => [id, task]),
  ),
});

/**
 * Between two journal writes. A crash loses at most this long of changes, and nothing is lost
 * for good: a run that ended is found from its wrapper's exit file, a launched one from its pid
 * file. 1000 short tasks at 50 at once end a few dozen times a second; one fsync each would be
 * a storm.
 * @default 200
 */
export const journalGapMs = 200;

/** While a write fails, the journal is tried again this often: the header's mark clears soon after space is freed. */
export const journalRetryMs = 2_000;

export type JournalKeeperOptions = {
  redact?: (text: string) => string;
  /** @default journalGapMs */
  gapMs?: number;
  /** While writes fail, how often the journal is tried again. @default journalRetryMs */
  retryMs?: number;
  /** The write itself (a test counts them). @default writeJournal */
  write?: typeof writeJournal;
};

/** Stops keeping the journal after a last, synchronous write of what changed. */
export type JournalKeeper = (() => void) & {
  /** Writes now, synchronously, if anything changed since the last write. */
  flush: () => void;
};

/**
 * Writes the journal when a task starts, stops or ends, at most once per `gapMs`: a burst of
 * changes becomes one write of the latest state. Stopping the keeper (the console quits, the
 * headless run ends) and the process exiting (a crash's `process.exit`) write what is still
 * pending. A write that fails (disk full, unwritable folder) is reported once per problem,
 * marks the state folder in trouble (the header says so) and is tried again every `retryMs`
 * until it succeeds, which clears the mark; the tasks are not touched.
 */
export const keepJournal = (
  stateDir: string,
  store: AppStore,
  redactOrOptions: ((text: string) => string) | JournalKeeperOptions = {},
): JournalKeeper => {
  const options =
    typeof redactOrOptions === 'function' ? { redact: redactOrOptions } : redactOrOptions;
  const {
    redact = (text: string) => text,
    gapMs = journalGapMs,
    retryMs = journalRetryMs,
    write = writeJournal,
  } = options;
  let retry: NodeJS.Timeout | undefined;
  // Another writer's failure (the run history, a report) starts the same retries: the journal
  // keeper's good write is what clears the state folder's mark.
  const retryLater = () => {
    retry ??= setTimeout(() => {
      retry = undefined;
      writeNow();
    }, retryMs).unref();
  };
  let lastTasks = store.getState().tasks;
  let lastSignature = signature(lastTasks);
  let lastProblem: string | undefined;
  // Monotonic: a clock set back must not hold the next write for the size of the jump.
  let lastCheckAt = -Infinity;
  let timer: NodeJS.Timeout | undefined;

  const writeNow = () => {
    try {
      write(stateDir, journalOf(store.getState().tasks), redact);
      const settled = lastProblem;
      lastProblem = undefined;
      if (store.getState().stateFolderTrouble) {
        store.getState().stateWriteRecovered();
        store
          .getState()
          .noticeShown('the state folder takes writes again: journal written', 'info', settled);
      }
    } catch (error) {
      const trouble = stateWriteProblem(stateDir, 'the state journal', error);
      if (trouble.problem !== lastProblem) store.getState().noticeShown(trouble.problem, 'error');
      lastProblem = trouble.problem;
      store.getState().stateWriteFailed(trouble);
      retryLater();
    }
  };

  /** The signature is built here, at most once per gap, not on every store change (each ingest tick makes one). */
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const tasks = store.getState().tasks;
    if (tasks === lastTasks) return;
    lastTasks = tasks;
    lastCheckAt = performance.now();
    const next = signature(tasks);
    if (next === lastSignature) return;
    lastSignature = next;
    writeNow();
  };

  const unsubscribe = store.subscribe((state) => {
    if (state.stateFolderTrouble && !retry) retryLater();
    if (state.tasks === lastTasks || timer) return;
    // At least one turn of the event loop, so changes made together are written together.
    const wait = Math.max(0, lastCheckAt + gapMs - performance.now());
    timer = setTimeout(flush, wait);
    // The exit hook writes what is pending; the timer alone must not keep a process alive.
    timer.unref();
  });
  process.on('exit', flush);

  const stop = () => {
    flush();
    unsubscribe();
    clearTimeout(retry);
    process.off('exit', flush);
  };
  return Object.assign(stop, { flush });
};

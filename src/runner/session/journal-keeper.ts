import type { TaskId } from '../../plan/types.js';
import type { AppStore } from '../../state/store.js';
import type { TaskRuntime } from '../../state/tasks-slice.js';
import type { Journal, JournalTask } from './journal.js';
import { writeJournal } from './journal.js';

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
 * Writes the journal whenever a task starts, stops or ends. A write that fails (disk full,
 * unwritable folder) is reported once per problem and retried on the next change; the
 * tasks are not touched.
 */
export const keepJournal = (
  stateDir: string,
  store: AppStore,
  redact: (text: string) => string = (text) => text,
): (() => void) => {
  let lastTasks = store.getState().tasks;
  let lastSignature = signature(lastTasks);
  let lastProblem: string | undefined;
  const write = () => {
    try {
      writeJournal(stateDir, journalOf(store.getState().tasks), redact);
      lastProblem = undefined;
    } catch (error) {
      const problem = (error as Error).message;
      if (problem !== lastProblem) {
        store
          .getState()
          .noticeShown(
            `cannot write the state journal in ${stateDir}: ${problem} (tasks keep running)`,
            'error',
          );
      }
      lastProblem = problem;
    }
  };
  return store.subscribe((state) => {
    if (state.tasks === lastTasks) return;
    lastTasks = state.tasks;
    const next = signature(state.tasks);
    if (next === lastSignature) return;
    lastSignature = next;
    write();
  });
};

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import type { Plan, TaskId } from '../../plan/types.js';
import type { AppStore } from '../../state/store.js';
import type { LogBook } from '../../state/log-book.js';
import { isActive } from '../../state/task-status.js';
import { readJournal } from './journal.js';
import type { JournalTask } from './journal.js';
import { createLineSplitter } from '../logs/line-splitter.js';

/** The one thing the session needs of the supervisor: the session sits below the task lifecycle. */
export type Reattach = { attach: (taskId: TaskId, journal: JournalTask) => void };

/** How much of a finished run's log a new console shows in its pane. */
const restoredTailBytes = 256 * 1024;

/**
 * Picks up where the last console left off: running tasks are re-attached (their logs
 * continue, their real exit status is recorded when they end), finished ones show their
 * last status and log tail. Returns what the operator should be told.
 */
export const restoreSession = (
  plan: Plan,
  store: AppStore,
  logBook: LogBook,
  supervisor: Reattach,
): string[] => {
  const read = readJournal(plan.stateDir);
  if (read.kind === 'none') return [];
  if (read.kind === 'corrupt') {
    return [
      `starting clean: unreadable journal kept as ${path.basename(read.keptAs)} (${read.problem})`,
    ];
  }
  const notices =
    read.dropped.length > 0
      ? [
          `ignored ${read.dropped.length} unreadable journal entr${read.dropped.length > 1 ? 'ies' : 'y'}: ${read.dropped.join(', ')}`,
        ]
      : [];
  const known = new Set(plan.tasks.map((t) => t.id));
  let attached = 0;
  for (const [taskId, task] of Object.entries(read.journal.tasks)) {
    if (!known.has(taskId)) continue;
    if (isActive(task.status)) {
      supervisor.attach(taskId, task);
      attached++;
    } else {
      store.getState().taskRestored(taskId, task);
      if (task.logFile) logBook.ring(taskId).append(readTail(task.logFile));
    }
  }
  store.getState().outputReceived(
    Object.keys(read.journal.tasks)
      .filter((id) => known.has(id))
      .map((taskId) => ({ taskId, progress: store.getState().tasks[taskId]!.progress })),
  );
  if (attached > 0)
    notices.push(`re-attached to ${attached} task${attached > 1 ? 's' : ''} left running`);
  return notices;
};

const readTail = (file: string): string[] => {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    const start = Math.max(0, size - restoredTailBytes);
    const buffer = Buffer.alloc(size - start);
    readSync(fd, buffer, 0, buffer.length, start);
    const splitter = createLineSplitter();
    const lines = [...splitter.push(buffer), ...splitter.flush()];
    // A tail that starts mid-file starts mid-line: drop the partial first line.
    return start > 0 ? lines.slice(1) : lines;
  } catch {
    return [];
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
};

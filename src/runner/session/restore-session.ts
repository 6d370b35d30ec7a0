import { closeSync, fstatSync, openSync, readdirSync, readSync } from 'node:fs';
import path from 'node:path';
import type { Plan, TaskId } from '../../plan/types.js';
import type { AppStore } from '../../state/store.js';
import type { LogBook } from '../../state/log-book.js';
import { isActive } from '../../state/task-status.js';
import { readJournal, removeStaleJournalTemporaries } from './journal.js';
import type { JournalTask } from './journal.js';
import { createLineSplitter } from '../logs/line-splitter.js';
import { logFileName, logFileTime } from '../logs/log-files.js';
import { emptyProgress } from '../../state/progress.js';
import { TaskStatus } from '../../state/task-status.js';

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
  removeStaleJournalTemporaries(plan.stateDir);
  const notices: string[] = [];
  if (read.kind === 'corrupt') {
    notices.push(
      `starting clean: unreadable journal kept as ${path.basename(read.keptAs)} (${read.problem})`,
    );
  }
  const recorded = read.kind === 'ok' ? read.journal.tasks : {};
  if (read.kind === 'ok' && read.dropped.length > 0) {
    notices.push(
      `ignored ${read.dropped.length} unreadable journal entr${read.dropped.length > 1 ? 'ies' : 'y'}: ${read.dropped.join(', ')}`,
    );
  }
  let attached = 0;
  let unrecorded = 0;
  // One listing of the logs folder: a task without a folder there has never run, and on a
  // plan of 1000 tasks reading (and failing to read) each folder cost ~15 ms of the first frame.
  const taskFolders = foldersIn(path.join(plan.stateDir, 'logs'));
  for (const { id: taskId } of plan.tasks) {
    const journalTask = recorded[taskId];
    const newer = taskFolders.has(taskId)
      ? newerRunThan(plan.stateDir, taskId, journalTask?.logFile)
      : undefined;
    if (newer) {
      // The journal never heard of this run: its console died before writing it down.
      supervisor.attach(taskId, newer(journalTask));
      attached++;
      unrecorded++;
    } else if (!journalTask) {
      continue;
    } else if (isActive(journalTask.status)) {
      supervisor.attach(taskId, journalTask);
      attached++;
    } else {
      store.getState().taskRestored(taskId, journalTask);
      if (journalTask.logFile) logBook.ring(taskId).append(readTail(journalTask.logFile));
    }
  }
  const restored = plan.tasks
    .map((t) => t.id)
    .filter((id) => recorded[id] || store.getState().tasks[id]!.attempt > 0);
  if (restored.length > 0) {
    store
      .getState()
      .outputReceived(
        restored.map((taskId) => ({ taskId, progress: store.getState().tasks[taskId]!.progress })),
      );
  }
  if (attached > 0)
    notices.push(`re-attached to ${attached} task${attached > 1 ? 's' : ''} left running`);
  if (unrecorded > 0)
    notices.push(
      `found ${unrecorded} run${unrecorded > 1 ? 's' : ''} the journal had not recorded (from their own files)`,
    );
  return notices;
};

const foldersIn = (folder: string): Set<string> => {
  try {
    return new Set(readdirSync(folder));
  } catch {
    return new Set(); // no runs at all
  }
};

/**
 * A run of the task newer than the one the journal names, from the logs folder (log names
 * sort by time): the journal is written after a launch, so a console killed in between
 * leaves the run only in its own files. Undefined when the journal is up to date.
 */
const newerRunThan = (
  stateDir: string,
  taskId: TaskId,
  journalLog: string | undefined,
): ((previous: JournalTask | undefined) => JournalTask) | undefined => {
  const folder = path.dirname(path.join(stateDir, 'logs', logFileName(taskId, new Date())));
  let newest: string | undefined;
  try {
    for (const name of readdirSync(folder)) {
      if (name.endsWith('.log') && (newest === undefined || name > newest)) newest = name;
    }
  } catch {
    return undefined; // no runs at all
  }
  if (!newest || (journalLog && path.basename(journalLog) >= newest)) return undefined;
  const logFile = path.join(folder, newest);
  return (previous) => ({
    status: TaskStatus.running,
    attempt: (previous?.attempt ?? 0) + 1,
    progress: emptyProgress,
    logFile,
    startedAt: logFileTime(logFile),
  });
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

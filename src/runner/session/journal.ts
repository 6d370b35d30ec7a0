import {
  closeSync,
  constants,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  unlinkSync,
} from 'node:fs';
import path from 'node:path';
import type { TaskId } from '../../plan/types.js';
import { z } from 'zod';
import type { TaskRuntime } from '../../state/tasks-slice.js';
import { TaskStatus } from '../../state/task-status.js';
import { failpoint } from '../process/failpoint.js';
import { closeQuietly, writeAllSync } from './state-write-problem.js';

const journalTaskSchema = z.looseObject({
  status: z.enum(Object.values(TaskStatus) as [string, ...string[]]),
  attempt: z.number().int().min(0),
  progress: z.looseObject({
    succeeded: z.number(),
    failed: z.number(),
    skipped: z.number(),
    failedDates: z.array(z.string()),
  }),
  pid: z.number().int().positive().optional(),
  logFile: z.string().optional(),
});

/** What survives the console: enough to show history and to re-attach to running tasks. */
export type JournalTask = Omit<TaskRuntime, 'killAt'> & {
  /** Kernel start time of `pid`, to tell our process from a recycled pid. */
  pidStart?: string;
  /** Where the wrapper writes the exit status when the task ends. */
  exitFile?: string;
};

export type Journal = { version: 1; writtenAt: number; tasks: Record<TaskId, JournalTask> };

const journalName = 'journal.json';

export type JournalRead =
  | { kind: 'none' }
  /** `dropped`: entries that were not usable task records (kept out of the store). */
  | { kind: 'ok'; journal: Journal; dropped: string[] }
  /** The journal could not be read; it was moved aside to `keptAs` for inspection. */
  | { kind: 'corrupt'; keptAs: string; problem: string };

export const readJournal = (stateDir: string): JournalRead => {
  const file = path.join(stateDir, journalName);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { kind: 'none' };
  }
  try {
    const parsed = JSON.parse(text) as Partial<Journal>;
    if (parsed.version !== 1 || typeof parsed.tasks !== 'object' || parsed.tasks === null) {
      throw new Error('not a version 1 journal');
    }
    // Each entry is checked: one hand-edited or half-written record must not break the screen.
    const tasks: Record<TaskId, JournalTask> = {};
    const dropped: string[] = [];
    for (const [taskId, entry] of Object.entries(parsed.tasks as Record<string, unknown>)) {
      if (journalTaskSchema.safeParse(entry).success) tasks[taskId] = entry as JournalTask;
      else dropped.push(taskId);
    }
    return { kind: 'ok', journal: { ...(parsed as Journal), tasks }, dropped };
  } catch (error) {
    const keptAs = path.join(stateDir, `journal.corrupt-${Date.now()}.json`);
    renameSync(file, keptAs);
    return { kind: 'corrupt', keptAs, problem: (error as Error).message };
  }
};

/**
 * Temporaries of journal writes a killed console never renamed: the old journal stood, and
 * they are worth nothing. Called while holding the state lock, so no other writer is mid-write.
 */
export const removeStaleJournalTemporaries = (stateDir: string): void => {
  let names: string[];
  try {
    names = readdirSync(stateDir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(`${journalName}.`) || !name.endsWith('.tmp')) continue;
    if (name === `${journalName}.${process.pid}.tmp`) continue;
    try {
      unlinkSync(path.join(stateDir, name));
    } catch {
      // gone already
    }
  }
};

/**
 * Writes the journal atomically: a fresh file (O_EXCL, never through a symlink) that is
 * fsynced and renamed over the old one, so a crash leaves either the old or the new journal.
 * A failed write (a full disk) removes the temporary file and throws: the old journal stays.
 */
export const writeJournal = (
  stateDir: string,
  journal: Journal,
  redact: (text: string) => string = (text) => text,
): void => {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const file = path.join(stateDir, journalName);
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    unlinkSync(temporary);
  } catch {
    // none left over
  }
  const fd = openSync(
    temporary,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
    0o600,
  );
  try {
    writeAllSync(fd, redact(JSON.stringify(journal)));
    closeSync(fd);
    failpoint('journal:before-rename');
    renameSync(temporary, file);
  } catch (error) {
    // A full disk: the old journal stays, and no half-written temporary is left taking space.
    closeQuietly(fd);
    try {
      unlinkSync(temporary);
    } catch {
      // renamed already, or never there
    }
    throw error;
  }
};

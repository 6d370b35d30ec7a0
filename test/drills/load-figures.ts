/**
 * What the load drill reads after a run, from the files the tasks and the console left: each
 * task's own start and end (printed by the task itself), how many ran at once, the journal's
 * account of every task, and how often the journal was replaced while it ran.
 */
import { existsSync, readdirSync, readFileSync, watch, writeFileSync } from 'node:fs';
import path from 'node:path';
import { waitFor } from '../support/wait-for.js';

/** One task's run as the task itself saw it. */
export type TaskSpan = {
  taskId: string;
  file: string;
  started: number;
  ended: number;
  lines: number;
};

export const taskSpans = (stateDir: string): TaskSpan[] => {
  const logs = path.join(stateDir, 'logs');
  return readdirSync(logs).flatMap((taskId) =>
    readdirSync(path.join(logs, taskId))
      .filter((name) => name.endsWith('.log'))
      .map((name) => {
        const file = path.join(logs, taskId, name);
        const text = readFileSync(file, 'utf8');
        return {
          taskId,
          file,
          started: Number(/^task started (\d+)$/m.exec(text)?.[1]),
          ended: Number(/^task ended (\d+)$/m.exec(text)?.[1]),
          lines: (text.match(/^line \d$/gm) ?? []).length,
        };
      }),
  );
};

/** The most tasks that were between their own start and end at one moment. */
export const maxConcurrent = (spans: readonly TaskSpan[]): number => {
  // An end sorts before a start at the same millisecond: a slot handed over is not two tasks.
  const events = spans
    .flatMap((s) => [
      [s.started, 1],
      [s.ended, -1],
    ])
    .sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
  let running = 0;
  let most = 0;
  for (const [, change] of events) {
    running += change!;
    most = Math.max(most, running);
  }
  return most;
};

/** The ideal wall time at this concurrency from the tasks' own mean duration, and the actual. */
export const wallFigures = (spans: readonly TaskSpan[], concurrency: number) => {
  const durations = spans.map((s) => s.ended - s.started);
  const meanOwnMs = durations.reduce((a, b) => a + b, 0) / durations.length;
  const idealMs = Math.ceil(spans.length / concurrency) * meanOwnMs;
  const actualMs =
    Math.max(...spans.map((s) => s.ended)) - Math.min(...spans.map((s) => s.started));
  return {
    meanOwnMs: Math.round(meanOwnMs),
    idealMs: Math.round(idealMs),
    actualMs,
    overheadPct: Math.round((actualMs / idealMs - 1) * 1000) / 10,
  };
};

type JournalEntry = { status?: string; exitCode?: number; endedAt?: number; attempt?: number };

/** Tasks the journal does not show as ended with exit 0 on their `attempt`-th run. */
export const journalProblems = (
  stateDir: string,
  taskIds: readonly string[],
  attempt: number,
): string[] => {
  const journal = JSON.parse(readFileSync(path.join(stateDir, 'journal.json'), 'utf8')) as {
    tasks: Record<string, JournalEntry>;
  };
  return taskIds.flatMap((id) => {
    const t = journal.tasks[id];
    const ok =
      t?.status === 'succeeded' &&
      t.exitCode === 0 &&
      typeof t.endedAt === 'number' &&
      t.attempt === attempt;
    return ok ? [] : [`${id}: ${JSON.stringify(t)}`];
  });
};

/** Run records in history.jsonl. */
export const historyCount = (stateDir: string): number => {
  const file = path.join(stateDir, 'history.jsonl');
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).length : 0;
};

/**
 * Counts journal writes from outside the console: each write renames a fresh file over
 * journal.json, one inotify event per write (queued by the kernel, not sampled).
 */
export const countJournalWrites = (stateDir: string) => {
  let writes = 0;
  let markers = 0;
  const watcher = watch(stateDir, (event, name) => {
    if (event === 'rename' && name === 'journal.json') writes++;
    if (event === 'rename' && name?.startsWith('load-drill-')) markers++;
  });
  return {
    /** The count once every event before this call has arrived (inotify keeps their order). */
    settled: async (): Promise<number> => {
      const seen = markers;
      writeFileSync(path.join(stateDir, `load-drill-${seen}.marker`), '');
      await waitFor('the watcher to catch up', () => markers > seen);
      return writes;
    },
    stop: () => watcher.close(),
  };
};

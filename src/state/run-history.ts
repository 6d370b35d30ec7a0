import type { TaskId } from '../plan/types.js';
import { datesDone, paceOf } from './derive.js';
import { failureCount } from './progress.js';
import type { TaskRuntime } from './tasks-slice.js';
import { TaskStatus } from './task-status.js';
import { datesFailed } from './counted.js';

/** whole window; gaps as ranges; gaps as one date list; a retry of an earlier run. */
export type RunKind = 'window' | 'gaps' | 'dates' | 'retry';

/** One finished run of a task, as `.backfill/history.jsonl` keeps it (one JSON object a line). */
export type RunRecord = {
  v: 1;
  task: TaskId;
  processor: string;
  window: string;
  attempt: number;
  kind: RunKind;
  /** Argv of each run, secrets redacted; empty for an http job. */
  argv: string[][];
  startedAt: number;
  endedAt: number;
  exitCode?: number;
  signal?: string;
  status: TaskStatus;
  reason?: string;
  succeeded: number;
  failed: number;
  skipped: number;
  failedDates: string[];
  datesPerHour?: number;
};

/** How a run was started, known to whoever started it (the supervisor forgets argv). */
export type RunStart = { kind: RunKind; argv: string[][] };

/** The record of a task's run that just ended. */
export const runRecordOf = (
  taskId: TaskId,
  task: TaskRuntime,
  start: RunStart | undefined,
): RunRecord => {
  const [processor = taskId, window = ''] = taskId.split('@');
  const endedAt = task.endedAt ?? Date.now();
  const pace = paceOf(task, endedAt);
  const p = task.progress;
  return {
    v: 1,
    task: taskId,
    processor,
    window,
    attempt: task.attempt,
    kind: start?.kind ?? 'window',
    argv: start?.argv ?? [],
    startedAt: task.startedAt ?? endedAt,
    endedAt,
    ...(task.exitCode !== undefined ? { exitCode: task.exitCode } : {}),
    ...(task.signal !== undefined ? { signal: task.signal } : {}),
    status: task.status,
    ...(task.reason !== undefined ? { reason: task.reason } : {}),
    succeeded: Math.max(p.succeeded, p.summary?.successful ?? 0),
    failed: failureCount(p),
    skipped: Math.max(p.skipped, p.summary?.skipped ?? 0),
    failedDates: [...p.failedDates],
    ...(pace.datesPerHour !== undefined && datesDone(p) > 0
      ? { datesPerHour: Math.round(pace.datesPerHour * 10) / 10 }
      : {}),
  };
};

const hhmm = (at: number): string => new Date(at).toTimeString().slice(0, 5);

const seconds = (ms: number): string =>
  ms < 60_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`;

/** `✓ 12:01 16 s`, `⚠ 11:40 2 dates failed`, `✗ 11:20 exit 1`. */
export const runLabel = (record: RunRecord): string => {
  const at = hhmm(record.endedAt);
  switch (record.status) {
    case TaskStatus.succeeded:
      return `✓ ${at} ${seconds(record.endedAt - record.startedAt)}`;
    case TaskStatus.withFailures:
      return `⚠ ${at} ${datesFailed(record.failed)}`;
    case TaskStatus.failed:
      return `✗ ${at} ${record.exitCode !== undefined ? `exit ${record.exitCode}` : 'failed'}`;
    case TaskStatus.killed:
      return `☠ ${at} ${record.signal ?? 'stopped'}`;
    default:
      return `? ${at} ended unseen`;
  }
};

/** `runs (3): ✓ 12:01 16 s · ⚠ 11:40 2 dates failed · ✗ 11:20 exit 1`, newest first. */
export const runsSummary = (records: readonly RunRecord[], max = 3): string => {
  if (records.length === 0) return '';
  const newest = [...records].reverse().slice(0, max);
  return `runs (${records.length}): ${newest.map(runLabel).join(' · ')}`;
};

/** Seconds per date of a processor by its most recent measured run in the history. */
export const historyRate = (
  records: Record<TaskId, readonly RunRecord[]>,
  processorId: string,
): number | undefined => {
  let latest: RunRecord | undefined;
  for (const [taskId, list] of Object.entries(records)) {
    if (!taskId.startsWith(`${processorId}@`)) continue;
    for (const record of list) {
      if (record.datesPerHour && (!latest || record.endedAt > latest.endedAt)) latest = record;
    }
  }
  return latest?.datesPerHour ? 3600 / latest.datesPerHour : undefined;
};

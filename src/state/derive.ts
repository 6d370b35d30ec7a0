import type { Plan, TaskId } from '../plan/types.js';
import type { Progress } from './progress.js';
import type { AppState } from './store.js';
import type { TaskRuntime } from './tasks-slice.js';
import { isActive, TaskStatus } from './task-status.js';

/** Dates finished so far: the per-date results when seen, else the i of "i/N" minus the one in progress. */
export const datesDone = (p: Progress): number =>
  Math.max(p.succeeded + p.failed + p.skipped, (p.index ?? 0) - 1, 0);

export type Pace = { fraction?: number; datesPerHour?: number; etaMs?: number };

export const paceOf = (task: TaskRuntime, now: number): Pace => {
  const { progress, startedAt } = task;
  const total = progress.total;
  const done = datesDone(progress);
  const fraction = total ? Math.min(1, done / total) : undefined;
  if (!startedAt || done === 0) return { fraction };
  const elapsed = (task.endedAt ?? now) - startedAt;
  if (elapsed <= 0) return { fraction };
  const datesPerHour = (done / elapsed) * 3_600_000;
  const etaMs =
    total && isActive(task.status) ? ((total - done) / datesPerHour) * 3_600_000 : undefined;
  return { fraction, datesPerHour, etaMs };
};

export type StatusCounts = Record<TaskStatus, number>;

export const statusCounts = (tasks: Record<TaskId, TaskRuntime>): StatusCounts => {
  const counts = Object.fromEntries(Object.values(TaskStatus).map((s) => [s, 0])) as StatusCounts;
  for (const task of Object.values(tasks)) counts[task.status]++;
  return counts;
};

/** Up to four tasks for the split view: the selection, then active ones by start time, then recent ones. */
export const splitTaskIds = (
  state: Pick<AppState, 'tasks' | 'selectedTaskId'>,
  max = 4,
): TaskId[] => {
  const ids: TaskId[] = state.selectedTaskId ? [state.selectedTaskId] : [];
  const byRecency = Object.entries(state.tasks)
    .filter(([id, task]) => id !== state.selectedTaskId && task.startedAt !== undefined)
    .sort(([, a], [, b]) => {
      const activeFirst = Number(isActive(b.status)) - Number(isActive(a.status));
      return activeFirst !== 0 ? activeFirst : (b.startedAt ?? 0) - (a.startedAt ?? 0);
    });
  for (const [id] of byRecency) {
    if (ids.length >= max) break;
    ids.push(id);
  }
  return ids;
};

export type TableRow =
  { kind: 'phase'; phaseId: string; title: string } | { kind: 'task'; taskId: TaskId };

/** Phase headings followed by their tasks, in plan order. */
export const tableRows = (plan: Plan): TableRow[] => {
  const rows: TableRow[] = [];
  for (const phase of plan.phases) {
    const tasks = plan.tasks.filter((t) => t.phaseId === phase.id);
    if (tasks.length === 0) continue;
    rows.push({ kind: 'phase', phaseId: phase.id, title: phase.title ?? `Phase ${phase.id}` });
    for (const task of tasks) rows.push({ kind: 'task', taskId: task.id });
  }
  return rows;
};

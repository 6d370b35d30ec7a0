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

// Derived once per change of the data they come from, never per frame: the tasks object is
// replaced only when some task changed, and the plan never is.
const countsOf = new WeakMap<Record<TaskId, TaskRuntime>, StatusCounts>();
const rowsOf = new WeakMap<Plan, TableRow[]>();
const taskOrderOf = new WeakMap<Plan, { ids: TaskId[]; rowIndex: Map<TaskId, number> }>();

export const statusCounts = (tasks: Record<TaskId, TaskRuntime>): StatusCounts => {
  const known = countsOf.get(tasks);
  if (known) return known;
  const counts = Object.fromEntries(Object.values(TaskStatus).map((s) => [s, 0])) as StatusCounts;
  for (const task of Object.values(tasks)) counts[task.status]++;
  countsOf.set(tasks, counts);
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

/**
 * Processors of a phase with every processor after the ones it depends on (plan order
 * otherwise), phases in plan order: the order work flows through the platform.
 */
export const processorsInOrder = (
  plan: Pick<Plan, 'phases' | 'processors'>,
): Plan['processors'] => {
  const ordered: Plan['processors'] = [];
  const placed = new Set<string>();
  for (const phase of plan.phases) {
    const pending = plan.processors.filter((p) => p.phase === phase.id);
    while (pending.length > 0) {
      // Dependencies are acyclic (the loader checks), so some processor is always ready;
      // one whose dependency sits in a later phase is placed rather than looping forever.
      const index = pending.findIndex((p) =>
        p.dependsOn.every((d) => placed.has(d) || !pending.some((q) => q.id === d)),
      );
      const [next] = pending.splice(Math.max(0, index), 1);
      if (!next) break;
      ordered.push(next);
      placed.add(next.id);
    }
  }
  return ordered;
};

/** Phase headings followed by their tasks, processors in dependency order, windows in plan order. */
export const tableRows = (plan: Plan): readonly TableRow[] => {
  const known = rowsOf.get(plan);
  if (known) return known;
  const rows: TableRow[] = [];
  const processors = processorsInOrder(plan);
  for (const phase of plan.phases) {
    const ids = processors
      .filter((p) => p.phase === phase.id)
      .flatMap((p) => plan.windows.map((w) => `${p.id}@${w.id}`));
    if (ids.length === 0) continue;
    rows.push({ kind: 'phase', phaseId: phase.id, title: phase.title ?? `Phase ${phase.id}` });
    for (const taskId of ids) rows.push({ kind: 'task', taskId });
  }
  rowsOf.set(plan, rows);
  return rows;
};

/**
 * The table's tasks in order and each one's row: a key press moves the selection by one and
 * must not walk a 1000-task plan to find where it is.
 */
const taskOrder = (plan: Plan) => {
  const known = taskOrderOf.get(plan);
  if (known) return known;
  const ids: TaskId[] = [];
  const rowIndex = new Map<TaskId, number>();
  tableRows(plan).forEach((row, index) => {
    if (row.kind !== 'task') return;
    ids.push(row.taskId);
    rowIndex.set(row.taskId, index);
  });
  const order = { ids, rowIndex };
  taskOrderOf.set(plan, order);
  return order;
};

/** Task ids in the order the table shows them. */
export const tableTaskIds = (plan: Plan): readonly TaskId[] => taskOrder(plan).ids;

/** Each task's index in `tableRows(plan)`. */
export const taskRowIndex = (plan: Plan): ReadonlyMap<TaskId, number> => taskOrder(plan).rowIndex;

import type { Plan, Processor, TaskId, Window } from '../plan/types.js';
import { substituteArgv } from '../plan/substitute.js';
import { processorsInOrder } from '../state/derive.js';
import type { AppState } from '../state/store.js';
import { cellState, CellState } from '../state/coverage-state.js';
import { missingRanges } from '../state/date-ranges.js';
import { isActive } from '../state/task-status.js';
import type { RunMode, RunPreview, RunScope, RunStep } from '../state/run-slice.js';

/**
 * What a run would do, in dependency order: each task's exact commands, and what is skipped
 * and why. Pure: the dry-run preview and the scheduler read the same answer.
 */
export const planRun = (
  plan: Plan,
  state: Pick<AppState, 'tasks' | 'coverage'>,
  mode: RunMode,
  scope: RunScope = {},
): RunPreview => {
  const steps: RunStep[] = [];
  const skipped: { taskId: TaskId; reason: string }[] = [];
  const inScope = (processorId: string, windowId: string) =>
    (!scope.processors || scope.processors.includes(processorId)) &&
    (!scope.windows || scope.windows.includes(windowId)) &&
    (!scope.tasks || scope.tasks.includes(`${processorId}@${windowId}`));
  const planned = new Set<TaskId>();
  for (const processor of processorsInOrder(plan)) {
    for (const window of plan.windows) {
      if (!inScope(processor.id, window.id)) continue;
      const taskId = `${processor.id}@${window.id}`;
      const task = state.tasks[taskId];
      if (task && isActive(task.status)) {
        skipped.push({ taskId, reason: 'already running' });
        continue;
      }
      const decision = decide(plan, processor, window, state.coverage[taskId], mode);
      if ('skip' in decision) {
        skipped.push({ taskId, reason: decision.skip });
        continue;
      }
      const after = processor.dependsOn
        .map((d) => `${d}@${window.id}`)
        .filter((id) => planned.has(id));
      steps.push({ taskId, ...decision, after });
      planned.add(taskId);
    }
  }
  return { mode, steps, skipped };
};

type Decision = Omit<RunStep, 'taskId' | 'after'> | { skip: string };

const decide = (
  plan: Plan,
  processor: Processor,
  window: Window,
  cell: AppState['coverage'][string] | undefined,
  mode: RunMode,
): Decision => {
  const state = cellState(cell);
  const counts = cell?.expected !== undefined ? `${cell.covered}/${cell.expected} dates` : '';
  if (mode !== 'everything' && state === CellState.complete) return { skip: `complete: ${counts}` };
  // A failed query keeps its last answer for reference; gaps from it may be stale.
  if (mode === 'gaps' && state === CellState.error) return { skip: gapsUnknown(state) };
  if (processor.kind === 'http') {
    const dates = mode === 'gaps' ? [...(cell?.missing ?? [])] : [...(cell?.expectedDates ?? [])];
    if (mode === 'gaps' && dates.length === 0) return { skip: gapsUnknown(state) };
    return {
      runs: [],
      dates,
      commands: [
        `POST ${processor.http?.url}${processor.http?.startPath} for ${dates.length || 'every'} game date${dates.length === 1 ? '' : 's'}`,
      ],
      detail: mode === 'gaps' ? `${dates.length} missing dates` : 'whole window',
    };
  }
  const command = processor.command ?? [];
  if (mode !== 'gaps') {
    const argv = substituteArgv(command, window);
    return {
      runs: [argv],
      commands: [argv.join(' ')],
      detail: counts ? `whole window (${counts} covered)` : 'whole window',
    };
  }
  if (!cell || !cell.missing.length) return { skip: gapsUnknown(state) };
  const fill = processor.fillGaps ?? { by: 'ranges' as const, separator: ',' };
  if (fill.by === 'dates') {
    const dates = cell.missing.join(fill.separator);
    const base = fill.command ?? [...command, ...(fill.append ?? [])];
    const argv = substituteArgv(base, window, { dates });
    return {
      runs: [argv],
      commands: [argv.join(' ')],
      detail: `${cell.missing.length} missing dates as a list`,
    };
  }
  const ranges = missingRanges(cell.expectedDates, new Set(cell.missing));
  const runs = ranges.map((range) =>
    substituteArgv(fill.command ?? command, { ...window, start: range.start, end: range.end }),
  );
  return {
    runs,
    commands: runs.map((argv) => argv.join(' ')),
    detail: `${cell.missing.length} missing dates in ${ranges.length} range${ranges.length > 1 ? 's' : ''}`,
  };
};

const gapsUnknown = (state: CellState): string => {
  switch (state) {
    case CellState.untracked:
      return 'no coverage declared: gaps unknown (a runs the whole window)';
    case CellState.error:
      return 'coverage query failed: gaps unknown (c refreshes)';
    case CellState.counted:
      return 'no expected dates: gaps unknown';
    default:
      return 'coverage not known yet (c refreshes)';
  }
};

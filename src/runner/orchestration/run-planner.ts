import type { Plan, Processor, TaskId, Window } from '../../plan/types.js';
import { substituteArgv } from '../../plan/substitute.js';
import { processorsInOrder } from '../../state/derive.js';
import type { AppState } from '../../state/store.js';
import { cellState, CellState } from '../../state/coverage-state.js';
import { datesToFill } from '../../state/coverage-judge.js';
import { missingRanges } from '../../state/date-ranges.js';
import { isActive } from '../../state/task-status.js';
import type { RunMode, RunPreview, RunScope, RunStep } from '../../state/run-slice.js';
import { counted } from '../../state/counted.js';

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
    const dates =
      mode === 'gaps' ? (cell ? datesToFill(cell) : []) : [...(cell?.expectedDates ?? [])];
    if (mode === 'gaps' && dates.length === 0) return { skip: gapsUnknown(state) };
    return {
      runs: [],
      dates,
      commands: [httpCommand(processor, dates.length)],
      detail: mode === 'gaps' ? gapText(dates, cell) : 'whole window',
      ...(mode === 'gaps' ? { gapDates: dates } : {}),
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
  // Thin dates (present, too few rows) are filled like missing ones.
  const toFill = cell ? datesToFill(cell) : [];
  if (!cell || toFill.length === 0) return { skip: gapsUnknown(state) };
  return gapRuns(processor, window, cell, toFill);
};

/** The runs that fill exactly `missing` (sorted dates of the window), as the processor takes them. */
export const gapRuns = (
  processor: Processor,
  window: Window,
  cell: Cell,
  missing: readonly string[],
): Omit<RunStep, 'taskId' | 'after'> => {
  const command = processor.command ?? [];
  const fill = processor.fillGaps ?? { by: 'ranges' as const, separator: ',' };
  if (fill.by === 'dates') {
    const dates = missing.join(fill.separator);
    const base = fill.command ?? [...command, ...(fill.append ?? [])];
    const argv = substituteArgv(base, window, { dates });
    return {
      runs: [argv],
      commands: [argv.join(' ')],
      detail: `${gapText(missing, cell)} as a list`,
      gapDates: [...missing],
    };
  }
  const ranges = missingRanges(cell.expectedDates, new Set(missing));
  const runs = ranges.map((range) =>
    substituteArgv(fill.command ?? command, { ...window, start: range.start, end: range.end }),
  );
  return {
    runs,
    commands: runs.map((argv) => argv.join(' ')),
    detail: `${gapText(missing, cell)} in ${ranges.length} range${ranges.length > 1 ? 's' : ''}`,
    gapDates: [...missing],
  };
};

const httpCommand = (processor: Processor, dates: number): string =>
  `POST ${processor.http?.url}${processor.http?.startPath} for ${dates ? counted(dates, 'game date') : 'every game date'}`;

const missingDates = (count: number): string => counted(count, 'missing date');

type Cell = NonNullable<AppState['coverage'][string]>;

/** "3 missing dates", "2 missing dates + 1 thin date", "1 thin date" (too few rows). */
const gapText = (dates: readonly string[], cell: Cell | undefined): string => {
  const thinDates = new Set(cell?.thin?.map((t) => t.date));
  const thinCount = dates.filter((date) => thinDates.has(date)).length;
  if (thinCount === 0) return missingDates(dates.length);
  const thin = counted(thinCount, 'thin date');
  return thinCount === dates.length ? thin : `${missingDates(dates.length - thinCount)} + ${thin}`;
};

/**
 * A planned step checked again at launch, against the coverage known then (fresh: the
 * scheduler waits for that). A cell that became complete since the preview drops the step;
 * fill gaps runs only the planned dates that are still missing, never new ones.
 */
export const recheckStep = (
  plan: Plan,
  state: Pick<AppState, 'coverage'>,
  step: RunStep,
  mode: RunMode,
): RunStep | { skip: string } => {
  const cell = state.coverage[step.taskId];
  if (mode === 'everything' || !cell) return step;
  const [processorId, windowId] = step.taskId.split('@');
  const processor = plan.processors.find((p) => p.id === processorId);
  const window = plan.windows.find((w) => w.id === windowId);
  if (!processor || !window) return step;
  if (cellState(cell) === CellState.complete) return { skip: 'skip: complete since the preview' };
  if (mode !== 'gaps' || !step.gapDates) return step;
  const stillMissing = new Set(datesToFill(cell));
  const dates = step.gapDates.filter((date) => stillMissing.has(date));
  if (dates.length === step.gapDates.length) return step;
  if (dates.length === 0) return { skip: 'skip: its gaps closed since the preview' };
  const closed = step.gapDates.length - dates.length;
  const rest =
    processor.kind === 'http'
      ? {
          runs: [],
          dates,
          commands: [httpCommand(processor, dates.length)],
          detail: gapText(dates, cell),
          gapDates: dates,
        }
      : gapRuns(processor, window, cell, dates);
  return {
    ...step,
    ...rest,
    detail: `${rest.detail} (${closed} closed since the preview)`,
  };
};

const gapsUnknown = (state: CellState): string => {
  switch (state) {
    // No console keys here: the same reasons are printed by the headless run.
    case CellState.untracked:
      return 'no coverage declared: gaps unknown (a whole-window run covers it)';
    case CellState.error:
      return 'coverage query failed: gaps unknown';
    case CellState.counted:
      return 'no expected dates: gaps unknown';
    default:
      return 'coverage not known yet';
  }
};

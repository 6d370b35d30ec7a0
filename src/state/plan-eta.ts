import type { Plan, TaskId } from '../plan/types.js';
import type { CoverageCell } from './coverage-slice.js';
import { CellState, cellState } from './coverage-state.js';
import { datesToFill } from './coverage-judge.js';
import { datesDone, paceOf, processorsInOrder } from './derive.js';
import type { RunRecord } from './run-history.js';
import { historyRate } from './run-history.js';
import type { TaskRuntime } from './tasks-slice.js';
import { isActive, TaskStatus } from './task-status.js';

/** Where a processor's pace comes from: a run seen now, the run history, or the plan's estimate. */
export type RateSource = 'run' | 'history' | 'plan';
export type Rate = { secondsPerDate: number; source: RateSource };

export type PlanEta =
  | { kind: 'done' }
  /** Coverage has not answered for these cells yet: how much remains is not known. */
  | { kind: 'waiting'; cells: TaskId[] }
  /** Dates remain for processors with no known pace: said, not guessed. */
  | { kind: 'no-rate'; processors: string[]; remainingDates: number }
  | {
      kind: 'estimate';
      finishAt: number;
      remainingMs: number;
      remainingDates: number;
      /** The task that finishes last, and so its processor: what the end waits for. */
      criticalTask: TaskId;
      criticalProcessor: string;
      rates: Record<string, Rate>;
    };

export type EtaInput = {
  plan: Pick<Plan, 'processors' | 'phases' | 'windows' | 'settings'>;
  tasks: Record<TaskId, TaskRuntime>;
  coverage: Record<TaskId, CoverageCell>;
  history: Record<TaskId, readonly RunRecord[]>;
  now: number;
};

const daysIn = (start: string, end: string): number =>
  Math.round((Date.parse(`${end}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / 86_400_000) + 1;

/** Dates a task still has to do: a running task by its log, others by coverage. */
const remainingOf = (
  task: TaskRuntime | undefined,
  cell: CoverageCell | undefined,
  window: { start: string; end: string },
): number | undefined => {
  if (task && isActive(task.status)) {
    const total = task.progress.total ?? cell?.missing.length;
    return total === undefined ? undefined : Math.max(0, total - datesDone(task.progress));
  }
  const state = cellState(cell);
  if (state === CellState.untracked) {
    // Nothing to ask: a success is done, anything else does the whole window again.
    return task?.status === TaskStatus.succeeded ? 0 : daysIn(window.start, window.end);
  }
  if (state === CellState.unknown || state === CellState.counted) return undefined;
  // Missing and thin dates alike are run again.
  return cell ? datesToFill(cell).length : 0;
};

/** A processor's pace: this console's runs first (running ones before ended), then history, then the plan. */
export const rateOf = (input: EtaInput, processorId: string): Rate | undefined => {
  const measured = Object.entries(input.tasks)
    .filter(([id, t]) => id.startsWith(`${processorId}@`) && t.startedAt !== undefined)
    .sort(([, a], [, b]) => Number(isActive(b.status)) - Number(isActive(a.status)));
  for (const [, task] of measured) {
    const pace = paceOf(task, input.now);
    if (pace.datesPerHour && datesDone(task.progress) > 0)
      return { secondsPerDate: 3600 / pace.datesPerHour, source: 'run' };
  }
  const fromHistory = historyRate(input.history, processorId);
  if (fromHistory !== undefined) return { secondsPerDate: fromHistory, source: 'history' };
  const planned = input.plan.processors.find((p) => p.id === processorId)?.estimate;
  return planned ? { secondsPerDate: planned.secondsPerDate, source: 'plan' } : undefined;
};

type Job = {
  taskId: TaskId;
  processorId: string;
  deps: TaskId[];
  durationMs: number;
  start?: number;
  end?: number;
};

/**
 * When the whole plan is done: every task with dates left, at its processor's pace, in the
 * order a run launches them (dependencies per window, global and per-processor concurrency),
 * simulated forward from now. Running tasks hold their slots from the start.
 */
export const planEta = (input: EtaInput): PlanEta => {
  const { plan, tasks, coverage, now } = input;
  const jobs: Job[] = [];
  const waiting: TaskId[] = [];
  const noRate = new Set<string>();
  const rates: Record<string, Rate> = {};
  let remainingDates = 0;
  const withWork = new Set<TaskId>();
  const ordered = processorsInOrder(plan);
  for (const processor of ordered) {
    for (const window of plan.windows) {
      const taskId = `${processor.id}@${window.id}`;
      const remaining = remainingOf(tasks[taskId], coverage[taskId], window);
      if (remaining === undefined) {
        waiting.push(taskId);
        continue;
      }
      if (remaining === 0) continue;
      remainingDates += remaining;
      withWork.add(taskId);
      const rate = (rates[processor.id] ??= rateOf(input, processor.id)!);
      if (!rate) {
        delete rates[processor.id];
        noRate.add(processor.id);
        continue;
      }
      jobs.push({
        taskId,
        processorId: processor.id,
        deps: processor.dependsOn.map((d) => `${d}@${window.id}`),
        durationMs: Math.round(remaining * rate.secondsPerDate * 1000),
      });
    }
  }
  if (waiting.length > 0) return { kind: 'waiting', cells: waiting };
  if (noRate.size > 0) return { kind: 'no-rate', processors: [...noRate], remainingDates };
  if (jobs.length === 0) return { kind: 'done' };

  const limitOf = (processorId: string) =>
    plan.processors.find((p) => p.id === processorId)?.concurrency ?? Number.POSITIVE_INFINITY;
  const byId = new Map(jobs.map((job) => [job.taskId, job]));
  const depDone = (dep: TaskId, at: number) => {
    const job = byId.get(dep);
    return !job || (job.end !== undefined && job.end <= at);
  };
  const running = (at: number) =>
    jobs.filter((j) => j.start !== undefined && j.end !== undefined && j.end > at);
  const launch = (job: Job, at: number) => {
    job.start = at;
    job.end = at + job.durationMs;
  };
  // Running tasks already hold slots, whatever the limits say.
  for (const job of jobs) if (isActive(tasks[job.taskId]?.status ?? 'pending')) launch(job, now);
  let at = now;
  for (let guard = 0; guard <= jobs.length * 2 + 1; guard++) {
    for (const job of jobs) {
      if (job.start !== undefined) continue;
      const busy = running(at);
      if (busy.length >= plan.settings.concurrency) break;
      if (busy.filter((j) => j.processorId === job.processorId).length >= limitOf(job.processorId))
        continue;
      if (job.deps.every((dep) => depDone(dep, at))) launch(job, at);
    }
    const ends = running(at).map((j) => j.end!);
    if (ends.length === 0) break;
    at = Math.min(...ends);
  }
  const unfinished = jobs.filter((j) => j.end === undefined);
  if (unfinished.length > 0) return { kind: 'no-rate', processors: [], remainingDates };
  const last = jobs.reduce((a, b) => (b.end! > a.end! ? b : a));
  return {
    kind: 'estimate',
    finishAt: last.end!,
    remainingMs: last.end! - now,
    remainingDates,
    criticalTask: last.taskId,
    criticalProcessor: last.processorId,
    rates,
  };
};

/** 2h10m, 5m03s, 40s. */
export const durationText = (ms: number): string => {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
};

/** `ETA 01:40 · 2h10m · critical player_composite_factors`, or why there is none. */
export const etaText = (eta: PlanEta): string => {
  switch (eta.kind) {
    case 'done':
      return 'plan complete';
    case 'waiting':
      return 'ETA: asking coverage';
    case 'no-rate':
      return eta.processors.length > 0
        ? `ETA unknown: no rate for ${eta.processors.join(', ')} (estimate.secondsPerDate)`
        : 'ETA unknown';
    case 'estimate':
      return `ETA ${new Date(eta.finishAt).toTimeString().slice(0, 5)} · ${durationText(eta.remainingMs)} · critical ${eta.criticalProcessor}`;
  }
};

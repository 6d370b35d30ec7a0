import type { ParsedPlan } from './schema.js';

export type Window = ParsedPlan['windows'][number];
export type Phase = ParsedPlan['phases'][number];
export type ProcessorSpec = ParsedPlan['processors'][number];
export type ProgressPatternOverrides = NonNullable<ProcessorSpec['progress']>;
export type WarehouseSpec = NonNullable<ParsedPlan['warehouse']>;
export type Check = ParsedPlan['checks'][number];

/** A processor with its paths resolved against the plan file's folder. */
export type Processor = ProcessorSpec & {
  /** Absolute working directory; the plan's folder when `cwd` is not set. */
  resolvedCwd: string;
};

/** `processorId@windowId`: one processor run over one window. */
export type TaskId = string;

export type Task = {
  id: TaskId;
  processorId: string;
  windowId: string;
  phaseId: string;
};

/** A validated plan, ready to run. */
export type Plan = Omit<ParsedPlan, 'processors'> & {
  /** Absolute path of the plan file. */
  file: string;
  /** Absolute folder that holds the plan file; relative paths in the plan start here. */
  dir: string;
  /** Absolute state folder (logs, journal). */
  stateDir: string;
  processors: Processor[];
  /** Every processor x window, grouped by phase in plan order. */
  tasks: Task[];
};

export const taskIdOf = (processorId: string, windowId: string): TaskId =>
  `${processorId}@${windowId}`;

/** The days from the first window's start to the last window's end: what a check spans. */
export const planSpan = (plan: Pick<Plan, 'windows'>): { start: string; end: string } => ({
  start: plan.windows.map((w) => w.start).sort()[0] ?? '',
  end:
    plan.windows
      .map((w) => w.end)
      .sort()
      .at(-1) ?? '',
});

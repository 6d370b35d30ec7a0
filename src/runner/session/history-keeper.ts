import type { Plan, TaskId } from '../../plan/types.js';
import { substituteArgv } from '../../plan/substitute.js';
import type { AppStore } from '../../state/store.js';
import type { StartOptions, TaskControl } from '../../state/services.js';
import type { RunRecord, RunStart } from '../../state/run-history.js';
import { runRecordOf } from '../../state/run-history.js';
import type { Redact } from '../../state/redact.js';
import { noSecrets } from '../../state/redact.js';
import type { HistoryLimits } from './history.js';
import { appendRunRecord, historyName, readHistory } from './history.js';
import { stateWriteProblem } from './state-write-problem.js';
import { createEndWatch } from '../../state/task-changes.js';

export type HistoryKeeper = {
  /** The same control, remembering how each run was started (kind, argv) for its record. */
  track: <C extends TaskControl>(control: C) => C;
  dispose: () => void;
};

/**
 * Reads the run history into the store, then appends one record for every run that ends
 * while this console (or headless run) watches it. A write that fails is said once per
 * problem; the tasks are not touched.
 */
export const keepHistory = (
  plan: Plan,
  store: AppStore,
  redact: Redact = noSecrets,
  limits: HistoryLimits = {},
): HistoryKeeper => {
  const read = readHistory(plan.stateDir);
  store.getState().historyLoaded(read.records);
  if (read.unreadable > 0)
    store
      .getState()
      .noticeShown(`run history: ${read.unreadable} unreadable line(s) skipped`, 'warn');
  const starts = new Map<TaskId, RunStart>();
  let lastProblem: string | undefined;

  const record = (taskId: TaskId) => {
    const task = store.getState().tasks[taskId];
    if (!task) return;
    // Argv, reasons and dates alike: no secret value reaches the file.
    const entry = JSON.parse(
      redact(JSON.stringify(runRecordOf(taskId, task, starts.get(taskId)))),
    ) as RunRecord;
    store.getState().runRecorded(entry);
    try {
      const dropped = appendRunRecord(plan.stateDir, entry, limits);
      if (dropped) store.getState().noticeShown(dropped, 'warn');
      lastProblem = undefined;
    } catch (error) {
      const trouble = stateWriteProblem(plan.stateDir, `the run history (${historyName})`, error);
      if (trouble.problem !== lastProblem) store.getState().noticeShown(trouble.problem, 'error');
      lastProblem = trouble.problem;
      store.getState().stateWriteFailed(trouble);
    }
  };

  const endsOf = createEndWatch(store.getState().tasks);
  const unsubscribe = store.subscribe((state) => {
    for (const taskId of endsOf(state.tasks)) record(taskId);
  });

  const startOf = (taskId: TaskId, options: StartOptions = {}): RunStart => {
    const task = plan.tasks.find((t) => t.id === taskId);
    const processor = plan.processors.find((p) => p.id === task?.processorId);
    const window = plan.windows.find((w) => w.id === task?.windowId);
    const argv =
      options.runs ??
      (processor?.command && window ? [substituteArgv(processor.command, window)] : []);
    return { kind: options.kind ?? 'window', argv };
  };

  return {
    track: <C extends TaskControl>(control: C): C => ({
      ...control,
      start: (taskId: TaskId, options?: StartOptions) => {
        starts.set(taskId, startOf(taskId, options));
        control.start(taskId, options);
      },
      restart: (taskId: TaskId) => {
        starts.set(taskId, startOf(taskId));
        control.restart(taskId);
      },
    }),
    dispose: unsubscribe,
  };
};

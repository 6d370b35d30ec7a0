import { writeFileSync } from 'node:fs';
import type { Plan } from '../plan/types.js';
import { createAppStore } from '../state/store.js';
import type { AppStore } from '../state/store.js';
import { isActive, TaskStatus } from '../state/task-status.js';
import { createCoveragePoller } from '../runner/coverage/coverage-poller.js';
import { openPlanWarehouse } from '../runner/coverage/open-plan-warehouse.js';
import { createScheduler } from '../runner/orchestration/scheduler.js';
import { readJournal } from '../runner/session/journal.js';
import { readHistory } from '../runner/session/history.js';
import { buildHandoff } from '../runner/session/handoff-writer.js';
import { isSameProcess } from '../runner/process/proc-info.js';
import { recordedRun } from '../runner/process/run-files.js';
import { createLogTailer } from '../runner/logs/log-tailer.js';
import { createProgressParser } from '../runner/logs/progress-parser.js';
import { planRedactor } from '../runner/logs/redaction.js';
import type { TaskControl } from '../state/services.js';

/** The report starts nothing: its scheduler only plans. */
const noControl: TaskControl = {
  start: () => undefined,
  stop: () => undefined,
  kill: () => undefined,
  restart: () => undefined,
  stopAll: () => Promise.resolve(),
  runningCount: () => 0,
};

/** Tasks as the journal left them; a running one is checked alive and its progress read from its log. */
const restoreForReport = (plan: Plan, store: AppStore): void => {
  const read = readJournal(plan.stateDir);
  if (read.kind !== 'ok') return;
  for (const [taskId, task] of Object.entries(read.journal.tasks)) {
    if (!store.getState().tasks[taskId]) continue;
    if (!isActive(task.status)) {
      store.getState().taskRestored(taskId, task);
      continue;
    }
    // The run's own pid file first: the journal may not have its pid yet (or an older run's).
    const exitFile = task.exitFile ?? (task.logFile ? `${task.logFile}.exit` : undefined);
    const alive =
      (exitFile !== undefined && recordedRun(exitFile).kind === 'alive') ||
      (task.pid !== undefined && isSameProcess(task.pid, task.pidStart));
    const processor = plan.processors.find((p) => taskId.startsWith(`${p.id}@`));
    const parser = createProgressParser(processor?.progress);
    if (task.logFile) {
      const tailer = createLogTailer(task.logFile);
      for (const line of tailer.finish()) parser.feed(line);
      tailer.close();
    }
    store.getState().taskRestored(taskId, {
      ...task,
      progress: parser.snapshot(),
      ...(alive
        ? {}
        : {
            status: TaskStatus.endedUnseen,
            reason: 'not running any more (no console saw it end)',
          }),
    });
  }
};

/**
 * `backfill-console report`: the handoff note as Markdown, from the journal, the run history
 * and fresh coverage. Writes to `outFile`, or to `out`. Starts and stops nothing.
 */
export const runReport = async (
  plan: Plan,
  outFile: string | undefined,
  out: NodeJS.WritableStream,
): Promise<number> => {
  const store = createAppStore(plan);
  restoreForReport(plan, store);
  store.getState().historyLoaded(readHistory(plan.stateDir).records);
  const warehouse = openPlanWarehouse(plan);
  const poller = warehouse ? createCoveragePoller({ plan, store, warehouse }) : undefined;
  const scheduler = createScheduler({ plan, store, control: noControl, coverage: poller });
  try {
    // Every cell and check asked first: the report is one moment's answers.
    await poller?.refreshAll();
    const markdown = await buildHandoff(
      store,
      scheduler,
      warehouse?.description,
      planRedactor(plan),
    );
    if (outFile) {
      writeFileSync(outFile, markdown, { mode: 0o600 });
      out.write(`handoff report written to ${outFile}\n`);
    } else out.write(markdown);
    return 0;
  } finally {
    scheduler.dispose();
    poller?.dispose();
    await warehouse?.close().catch(() => undefined);
  }
};

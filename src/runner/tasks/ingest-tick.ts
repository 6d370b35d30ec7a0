import type { TaskId } from '../../plan/types.js';
import type { AppStore } from '../../state/store.js';
import type { LogBook } from '../../state/log-book.js';
import type { TaskOutput } from '../../state/tasks-slice.js';
import { noSecrets } from '../../state/redact.js';
import type { Redact } from '../../state/redact.js';
import type { TaskHandle } from './task-handle.js';

export type IngestTick = {
  drain: (taskId: TaskId, handle: TaskHandle, lines: string[]) => void;
  ensureTicking: () => void;
  stopTickingIfIdle: () => void;
  dispose: () => void;
};

/**
 * One ingest tick for all tasks: lines are read, parsed and handed to the store in one batch
 * per tick, never per chunk.
 */
export const createIngestTick = (options: {
  store: AppStore;
  logBook: LogBook;
  redact: Redact;
  handles: ReadonlyMap<TaskId, TaskHandle>;
  tickMs: number;
}): IngestTick => {
  const { store, logBook, redact, handles, tickMs } = options;
  let tick: NodeJS.Timeout | undefined;

  const ingest = (taskId: TaskId, handle: TaskHandle, lines: string[], batch: TaskOutput[]) => {
    if (lines.length === 0) return;
    for (const line of lines) handle.parser.feed(line);
    // Without secrets, no per-tick copy of every line.
    logBook.ring(taskId).append(redact === noSecrets ? lines : lines.map(redact));
    batch.push({ taskId, progress: handle.parser.snapshot() });
  };

  const onTick = () => {
    const batch: TaskOutput[] = [];
    for (const [taskId, handle] of handles) ingest(taskId, handle, handle.tailer.readNew(), batch);
    if (batch.length > 0) store.getState().outputReceived(batch);
  };

  return {
    drain: (taskId, handle, lines) => {
      const batch: TaskOutput[] = [];
      ingest(taskId, handle, lines, batch);
      if (batch.length > 0) store.getState().outputReceived(batch);
    },
    ensureTicking: () => {
      tick ??= setInterval(onTick, tickMs);
    },
    stopTickingIfIdle: () => {
      // No wake-ups at all while nothing runs: idle costs nothing.
      if (handles.size === 0 && tick) {
        clearInterval(tick);
        tick = undefined;
      }
    },
    dispose: () => {
      if (tick) clearInterval(tick);
      tick = undefined;
    },
  };
};

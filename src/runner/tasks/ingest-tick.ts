import { watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import type { TaskId } from '../../plan/types.js';
import type { AppStore } from '../../state/store.js';
import type { LogBook } from '../../state/log-book.js';
import type { TaskOutput } from '../../state/tasks-slice.js';
import { noSecrets } from '../../state/redact.js';
import type { Redact } from '../../state/redact.js';
import type { TailRead } from '../logs/log-tailer.js';
import type { TaskHandle } from './task-handle.js';

export type IngestTick = {
  drain: (taskId: TaskId, handle: TaskHandle, lines: string[]) => void;
  ensureTicking: () => void;
  stopTickingIfIdle: () => void;
  dispose: () => void;
};

export type IngestTickOptions = {
  store: AppStore;
  logBook: LogBook;
  redact: Redact;
  handles: ReadonlyMap<TaskId, TaskHandle>;
  /** The tick while bytes arrive. */
  tickMs: number;
  /**
   * The longest wait between reads once nothing arrives: the tick doubles from `tickMs` up to
   * this after each tick that read nothing for every task, and is back to `tickMs` on the
   * first byte. It bounds how late the first line after a quiet spell shows.
   * @default 200
   */
  idleTickMs?: number;
  /**
   * Bytes one task's log gives one tick at most. Only the newest lines a ring holds become
   * strings; the rest is scanned for progress lines, so this can be far more than a tick shows.
   * @default 4 MiB
   */
  maxBytesPerRead?: number;
  /**
   * CPU one turn of the event loop may spend reading: past it, the tick reads its remaining
   * tasks on the next turn (setImmediate), after input has been handled, so a flood leaves
   * keys responsive. Tasks take turns being read first.
   * @default 8
   */
  budgetMs?: number;
  /**
   * The tick while a read gives more lines than a ring holds (each read replaces the whole
   * ring): the pane shows the newest lines 10 times a second instead of 30, and a third of the
   * strings are made. The file keeps every line.
   * @default 100
   */
  floodTickMs?: number;
  /**
   * While backed off, a write to any task's log (fs.watch) ends the wait at once, so the first
   * line after a quiet spell shows without waiting out the idle tick. Polling stays the rule:
   * on many network filesystems fs.watch never fires.
   * @default true
   */
  wakeOnWrite?: boolean;
  /** @default performance.now */
  now?: () => number;
};

/**
 * One ingest tick for all tasks: lines are read, parsed and handed to the store in one batch
 * per tick, never per chunk.
 */
export const createIngestTick = ({
  store,
  logBook,
  redact,
  handles,
  tickMs,
  idleTickMs = 200,
  maxBytesPerRead = 4 * 1024 * 1024,
  budgetMs = 8,
  floodTickMs = 100,
  wakeOnWrite = true,
  now = () => performance.now(),
}: IngestTickOptions): IngestTick => {
  let timer: NodeJS.Timeout | undefined;
  /** A write woke the tick: it runs on the next turn of the loop, not after the wait. */
  let woken: NodeJS.Immediate | undefined;
  let ticking = false;
  let delayMs = tickMs;
  const slice: SliceState = {
    firstTask: 0,
    left: 0,
    sawBytes: false,
    flooded: false,
    behind: false,
  };
  // Built once: the tick reads 30 times a second.
  const reading = { store, logBook, redact, handles, maxBytesPerRead, budgetMs, now };
  const readSlice = () => readSliceOf(slice, reading);

  const schedule = () => {
    timer = setTimeout(onTick, delayMs);
  };

  const wake = () => {
    writes.disarm();
    if (!ticking) return;
    delayMs = tickMs;
    woken ??= setImmediate(onTick);
  };
  // Armed only while backed off: at a flood's rate every write would be an event.
  const writes = watchWrites(handles, wake);
  const arm = () => {
    if (wakeOnWrite) writes.arm();
  };
  const disarm = writes.disarm;

  function onTick() {
    // Either way in (the wait ended, or a write woke it), the other one is off.
    if (timer) clearTimeout(timer);
    if (woken) clearImmediate(woken);
    timer = undefined;
    woken = undefined;
    const done = readSlice();
    if (!ticking) return;
    // A task behind a flood is read again on the next turn too, until it has caught up.
    if (!done || slice.behind) {
      // The rest of this tick's tasks after the keys and frames that waited (setImmediate
      // runs after the loop has polled for input).
      disarm();
      woken = setImmediate(onTick);
      return;
    }
    // A read that replaced a whole ring is a flood: a ring-full of strings per task 30 times
    // a second is garbage nobody can read, so the tick slows to `floodTickMs`. Back off only
    // when a whole tick read nothing: each idle tick costs a read per task.
    delayMs = slice.flooded
      ? floodTickMs
      : slice.sawBytes
        ? tickMs
        : Math.min(delayMs * 2, idleTickMs);
    if (delayMs > tickMs && !slice.flooded) arm();
    else disarm();
    schedule();
  }

  const stop = () => {
    ticking = false;
    disarm();
    if (timer) clearTimeout(timer);
    if (woken) clearImmediate(woken);
    timer = undefined;
    woken = undefined;
  };

  return {
    drain: (taskId, handle, lines) => {
      // A drain reads every line from where a read behind a flood stopped: a ring-full at least.
      logBook.ring(taskId).skip(handle.tailer.takeSkipped());
      const batch: TaskOutput[] = [];
      ingest(logBook, redact, taskId, handle, lines, batch);
      if (batch.length > 0) store.getState().outputReceived(batch);
    },
    ensureTicking: () => {
      ticking = true;
      // A task just started: its first lines should not wait out a backed-off tick.
      if (woken || (timer && delayMs === tickMs)) return;
      if (timer) clearTimeout(timer);
      // The watchers cover the old set of tasks; the fast tick needs none.
      disarm();
      delayMs = tickMs;
      schedule();
    },
    stopTickingIfIdle: () => {
      // No wake-ups at all while nothing runs: idle costs nothing.
      if (handles.size === 0) stop();
    },
    dispose: stop,
  };
};

/** A batch of lines read for one task: parsed, kept in its ring, its progress for the store. */
const ingest = (
  logBook: LogBook,
  redact: Redact,
  taskId: TaskId,
  handle: TaskHandle,
  lines: string[],
  batch: TaskOutput[],
) => {
  if (lines.length === 0) return;
  for (const line of lines) handle.parser.feed(line);
  // Without secrets, no per-tick copy of every line.
  logBook.ring(taskId).append(redact === noSecrets ? lines : lines.map(redact));
  batch.push({ taskId, progress: handle.parser.snapshot() });
};

/** One tail read: progress from every line scanned, the newest lines kept, the rest counted. */
const ingestTail = (
  logBook: LogBook,
  redact: Redact,
  taskId: TaskId,
  handle: TaskHandle,
  read: TailRead,
  batch: TaskOutput[],
) => {
  for (const line of read.progressLines) handle.parser.feed(line);
  // Lines older than a full ring of newer ones are counted, not kept: the file has them.
  if (read.skipped > 0) logBook.ring(taskId).skip(read.skipped);
  if (read.lines.length > 0 || read.skipped > 0 || read.progressLines.length > 0) {
    ingest(logBook, redact, taskId, handle, read.lines, batch);
    if (read.lines.length === 0) batch.push({ taskId, progress: handle.parser.snapshot() });
  }
};

/** fs.watch on every task's log while armed: the first write calls `onWrite`. */
const watchWrites = (handles: ReadonlyMap<TaskId, TaskHandle>, onWrite: () => void) => {
  const watchers: FSWatcher[] = [];
  const disarm = () => {
    for (const watcher of watchers) watcher.close();
    watchers.length = 0;
  };
  const arm = () => {
    if (watchers.length > 0) return;
    for (const handle of handles.values()) {
      try {
        const watcher = watch(handle.logFile, { persistent: false }, onWrite);
        // A log removed under us: the next poll says so, nothing to do here.
        watcher.on('error', disarm);
        watchers.push(watcher);
      } catch {
        // Not watchable (gone, or a filesystem without inotify): the poll covers it.
      }
    }
  };
  return { arm, disarm };
};

/** Where a tick stands: it may be read in slices over several turns of the loop. */
type SliceState = {
  /** Which task is read first next: a tick cut short by the budget resumes there. */
  firstTask: number;
  /** Tasks of the current tick not read yet (0: the next slice starts a new tick). */
  left: number;
  /** The current tick's news: bytes arrived, a read replaced a whole ring, a read is behind. */
  sawBytes: boolean;
  flooded: boolean;
  behind: boolean;
};

/** Reads tasks until all of this tick's are read or the budget is spent; true when done. */
const readSliceOf = (
  slice: SliceState,
  {
    store,
    logBook,
    redact,
    handles,
    maxBytesPerRead,
    budgetMs,
    now,
  }: Pick<IngestTickOptions, 'store' | 'logBook' | 'redact' | 'handles'> & {
    maxBytesPerRead: number;
    budgetMs: number;
    now: () => number;
  },
): boolean => {
  const batch: TaskOutput[] = [];
  const tasks = [...handles];
  if (slice.left === 0) {
    slice.left = tasks.length;
    slice.sawBytes = false;
    slice.flooded = false;
    slice.behind = false;
  }
  const startedAt = now();
  while (slice.left > 0 && tasks.length > 0) {
    const at = slice.firstTask % tasks.length;
    const [taskId, handle] = tasks[at]!;
    const ring = logBook.ring(taskId);
    const read = handle.tailer.readTail({
      maxBytes: maxBytesPerRead,
      keepLines: ring.maxLines,
      mayMatter: handle.parser.mayMatter,
    });
    if (read.bytes > 0) slice.sawBytes = true;
    if (read.skipped > 0) slice.flooded = true;
    if (read.behind) slice.behind = true;
    ingestTail(logBook, redact, taskId, handle, read, batch);
    slice.firstTask = at + 1;
    slice.left--;
    if (slice.left > 0 && now() - startedAt >= budgetMs) break;
  }
  if (tasks.length === 0) slice.left = 0;
  if (batch.length > 0) store.getState().outputReceived(batch);
  return slice.left === 0;
};

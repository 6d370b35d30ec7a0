import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parsePlan } from '../../src/plan/index.js';
import { createAppStore } from '../../src/state/store.js';
import { createLogBook } from '../../src/state/log-book.js';
import { noSecrets } from '../../src/state/redact.js';
import { createLogTailer } from '../../src/runner/logs/log-tailer.js';
import type { LogTailer } from '../../src/runner/logs/log-tailer.js';
import { createProgressParser } from '../../src/runner/logs/progress-parser.js';
import { createIngestTick } from '../../src/runner/tasks/ingest-tick.js';
import type { TaskHandle } from '../../src/runner/tasks/task-handle.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ingest-tick-'));
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
  rmSync(dir, { recursive: true, force: true });
});

const ids = ['a', 'b', 'c', 'd'];

/** Real log files and tailers; every readTail is recorded with the fake clock's time. */
const setUp = (
  options: {
    budgetMs?: number;
    now?: () => number;
    idleTickMs?: number;
    wakeOnWrite?: boolean;
  } = {},
) => {
  const plan = parsePlan(
    JSON.stringify({
      version: 1,
      windows: [{ id: 'w1', start: '2022-04-16', end: '2022-04-20' }],
      phases: [{ id: '3' }],
      processors: ids.map((id) => ({ id, phase: '3', command: ['true'] })),
    }),
    path.join(dir, 'backfill.yaml'),
  );
  const store = createAppStore(plan);
  const logBook = createLogBook(100);
  const handles = new Map<string, TaskHandle>();
  const reads: { taskId: string; at: number }[] = [];
  const files: Record<string, string> = {};
  const addTask = (id: string) => {
    const taskId = `${id}@w1`;
    const file = path.join(dir, `${id}.log`);
    writeFileSync(file, '');
    files[id] = file;
    const real = createLogTailer(file);
    const tailer: LogTailer = {
      ...real,
      readTail: (read) => {
        reads.push({ taskId, at: Date.now() });
        return real.readTail(read);
      },
    };
    handles.set(taskId, {
      logFile: file,
      exitFile: `${file}.exit`,
      tailer,
      parser: createProgressParser(),
      remainingRuns: [],
      isHttpJob: false,
      stopRequested: false,
      exited: Promise.resolve(),
    });
  };
  const tick = createIngestTick({
    store,
    logBook,
    redact: noSecrets,
    handles,
    tickMs: 33,
    idleTickMs: 200,
    // The fake clock drives these tests; the wake-up has its own, with real timers.
    wakeOnWrite: false,
    ...options,
  });
  /** Gaps between the reads of one task, from its first read. */
  const gaps = (taskId: string) => {
    const times = reads.filter((r) => r.taskId === taskId).map((r) => r.at);
    return times.slice(1).map((t, i) => t - times[i]!);
  };
  return { store, logBook, handles, reads, files, addTask, tick, gaps };
};

describe('ingest tick', () => {
  it('backs off by doubling up to the idle tick while nothing arrives, for every task', () => {
    const t = setUp();
    for (const id of ids) t.addTask(id);
    t.tick.ensureTicking();
    vi.advanceTimersByTime(33 + 66 + 132 + 200 * 3);
    expect(t.gaps('a@w1')).toEqual([66, 132, 200, 200, 200]);
    // Every task is read on every tick: a quiet one is never left out.
    for (const id of ids) expect(t.gaps(`${id}@w1`)).toEqual(t.gaps('a@w1'));
    t.tick.dispose();
  });

  it('is back at the fast tick from the first byte, and shows the line within one idle tick', () => {
    const t = setUp();
    t.addTask('a');
    t.tick.ensureTicking();
    vi.advanceTimersByTime(2000);
    appendFileSync(t.files.a!, 'first line after a quiet spell\n');
    // The backed-off tick is at most 200 ms away: the line is in the ring by then.
    let waited = 0;
    while (t.logBook.ring('a@w1').end() === 0 && waited < 1000) {
      vi.advanceTimersByTime(1);
      waited++;
    }
    expect(t.logBook.ring('a@w1').at(0)).toBe('first line after a quiet spell');
    expect(waited).toBeLessThanOrEqual(200);
    expect(t.store.getState().logVersion['a@w1']).toBeGreaterThan(0);
    // The tick that read it is followed by a fast one.
    const afterLine = t.reads.length;
    appendFileSync(t.files.a!, 'more\n');
    vi.advanceTimersByTime(33);
    expect(t.reads.length).toBe(afterLine + 1);
    expect(t.logBook.ring('a@w1').at(1)).toBe('more');
    t.tick.dispose();
  });

  it('ticks fast again when a task starts during a backed-off wait', () => {
    const t = setUp();
    t.addTask('a');
    t.tick.ensureTicking();
    vi.advanceTimersByTime(1000);
    const before = t.reads.length;
    t.addTask('b');
    t.tick.ensureTicking();
    vi.advanceTimersByTime(33);
    expect(t.reads.length).toBe(before + 2);
    t.tick.dispose();
  });

  it('stops entirely once no task runs', () => {
    const t = setUp();
    t.addTask('a');
    t.tick.ensureTicking();
    vi.advanceTimersByTime(500);
    t.handles.clear();
    t.tick.stopTickingIfIdle();
    const before = t.reads.length;
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(5000);
    expect(t.reads.length).toBe(before);
  });

  it('reads the tasks left after the budget on a later turn of the loop, in one tick', () => {
    // Each clock reading is 6 ms later: the budget of 10 ms is spent after two tasks.
    let clock = 0;
    const t = setUp({ budgetMs: 10, now: () => (clock += 6) });
    for (const id of ids) t.addTask(id);
    for (const id of ids) appendFileSync(t.files[id]!, `${id} 1\n`);
    let commits = 0;
    t.store.subscribe(() => commits++);
    const start = Date.now();
    t.tick.ensureTicking();
    vi.advanceTimersToNextTimer();
    expect(t.reads.map((r) => r.taskId)).toEqual(['a@w1', 'b@w1']);
    expect(commits).toBe(1);
    // Not a tick later: on the next turn of the loop (setImmediate), after input.
    expect(Date.now() - start).toBe(33);
    vi.advanceTimersToNextTimer();
    expect(Date.now() - start).toBeLessThan(33 + 33);
    expect(t.reads.map((r) => r.taskId)).toEqual(['a@w1', 'b@w1', 'c@w1', 'd@w1']);
    expect(commits).toBe(2);
    for (const id of ids) expect(t.logBook.ring(`${id}@w1`).at(0)).toBe(`${id} 1`);
    t.tick.dispose();
  });

  it('keeps a ring of the newest lines from a flood and counts every line', () => {
    const t = setUp();
    t.addTask('a');
    const lines = Array.from({ length: 20_000 }, (_, i) => `line ${i + 1}`);
    appendFileSync(t.files.a!, `${lines.join('\n')}\n`);
    t.tick.ensureTicking();
    vi.advanceTimersByTime(33);
    const ring = t.logBook.ring('a@w1');
    expect(ring.end()).toBe(20_000);
    expect(ring.first()).toBe(19_900);
    expect(ring.at(19_900)).toBe('line 19901');
    expect(ring.at(19_999)).toBe('line 20000');
    // The read replaced the whole ring: the next read is at the flood tick, 100 ms later.
    appendFileSync(t.files.a!, 'after\n');
    vi.advanceTimersByTime(99);
    expect(t.reads).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(t.reads).toHaveLength(2);
    expect(ring.at(20_000)).toBe('after');
    // A read that fits in the ring is followed by the fast tick again.
    vi.advanceTimersByTime(33);
    expect(t.reads).toHaveLength(3);
    t.tick.dispose();
  });

  it('wakes from a backed-off wait on the first write to a log, before the wait is over', async () => {
    // Timers stay fake, so no poll can come before the 200 ms wait is advanced; the fs.watch
    // event and the tick it triggers (setImmediate) are real.
    vi.useRealTimers();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const t = setUp({ wakeOnWrite: true });
    t.addTask('a');
    t.tick.ensureTicking();
    vi.advanceTimersByTime(33 + 66 + 132 + 200);
    const before = t.reads.length;
    appendFileSync(t.files.a!, 'woken\n');
    const deadline = performance.now() + 5000;
    while (t.logBook.ring('a@w1').end() === 0 && performance.now() < deadline) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(t.logBook.ring('a@w1').at(0)).toBe('woken');
    expect(t.reads.length).toBe(before + 1);
    // Woken, it ticks fast again: the next read is 33 ms later.
    vi.advanceTimersByTime(33);
    expect(t.reads.length).toBe(before + 2);
    t.tick.dispose();
  });
});

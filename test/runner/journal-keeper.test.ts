import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parsePlan } from '../../src/plan/index.js';
import { keepJournal } from '../../src/runner/session/journal-keeper.js';
import type { Journal } from '../../src/runner/session/journal.js';
import { createAppStore } from '../../src/state/store.js';
import { loadPlanText } from '../drills/load-plan.js';

const tasks = 1000;
const concurrency = 50;

const loadStore = () =>
  createAppStore(
    parsePlan(loadPlanText({ tasks, concurrency }, ['true']), '/tmp/load-test/backfill.yaml'),
  );

/** Counts the writes and keeps the last journal written, instead of touching a disk. */
const countingWriter = () => {
  const written: Journal[] = [];
  return { written, write: (_dir: string, journal: Journal) => void written.push(journal) };
};

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('the journal keeper', () => {
  it('coalesces 1000 tasks at 50 at once into a bounded number of writes, the last one complete', () => {
    const store = loadStore();
    const writer = countingWriter();
    const stop = keepJournal('/tmp/load-test/.backfill', store, { write: writer.write });
    const ids = Object.keys(store.getState().tasks);
    // Fifty run at once; every 20 ms one ends and the next starts (a task takes a second).
    let changes = 0;
    const start = (id: string, n: number) => {
      store.getState().taskStarting(id, `/tmp/load-test/${n}.log`);
      store.getState().taskStarted(id, 10_000 + n, Date.now());
      changes += 2;
    };
    ids.slice(0, concurrency).forEach((id, n) => start(id, n));
    for (let n = 0; n < tasks; n++) {
      vi.advanceTimersByTime(20);
      store.getState().taskExited(ids[n]!, { exitCode: 0, endedAt: Date.now() });
      changes++;
      const next = ids[n + concurrency];
      if (next) start(next, n + concurrency);
    }
    stop();

    // 20 s of changes at one write per 200 ms at most, plus the first at once and the last on stop.
    expect(changes).toBe(3 * tasks);
    expect(writer.written.length).toBeGreaterThan(0);
    expect(writer.written.length).toBeLessThanOrEqual((tasks * 20) / 200 + 2);
    expect(writer.written.length).toBeLessThanOrEqual(changes / 10);
    const last = writer.written.at(-1)!;
    expect(Object.keys(last.tasks)).toHaveLength(tasks);
    expect(
      Object.values(last.tasks).every((t) => t.status === 'succeeded' && t.exitCode === 0),
    ).toBe(true);
  });

  it('writes a burst of changes made together once, after the turn that made them', () => {
    const store = loadStore();
    const writer = countingWriter();
    const stop = keepJournal('/tmp/load-test/.backfill', store, { write: writer.write });
    for (const [n, id] of Object.keys(store.getState().tasks).slice(0, 50).entries())
      store.getState().taskStarting(id, `/tmp/load-test/${n}.log`);
    expect(writer.written).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(writer.written).toHaveLength(1);
    expect(Object.keys(writer.written[0]!.tasks)).toHaveLength(50);
    stop();
    expect(writer.written).toHaveLength(1);
  });

  it('writes what is pending at once when stopped or asked to flush, and nothing after', () => {
    const store = loadStore();
    const writer = countingWriter();
    const stop = keepJournal('/tmp/load-test/.backfill', store, { write: writer.write });
    const [first, second] = Object.keys(store.getState().tasks);
    store.getState().taskStarting(first!, '/tmp/load-test/1.log');
    stop.flush();
    expect(writer.written).toHaveLength(1);
    // Within the gap: held back, then written by the stop, synchronously.
    store.getState().taskStarted(first!, 4321, Date.now());
    store.getState().taskStarting(second!, '/tmp/load-test/2.log');
    expect(writer.written).toHaveLength(1);
    stop();
    expect(writer.written).toHaveLength(2);
    expect(writer.written[1]!.tasks[first!]).toMatchObject({ status: 'running', pid: 4321 });
    expect(writer.written[1]!.tasks[second!]).toMatchObject({ status: 'starting' });
    store.getState().taskExited(first!, { exitCode: 0, endedAt: Date.now() });
    vi.advanceTimersByTime(1000);
    expect(writer.written).toHaveLength(2);
  });

  it('does not write for progress alone', () => {
    const store = loadStore();
    const writer = countingWriter();
    const stop = keepJournal('/tmp/load-test/.backfill', store, { write: writer.write });
    const [first] = Object.keys(store.getState().tasks);
    store.getState().taskStarting(first!, '/tmp/load-test/1.log');
    vi.advanceTimersByTime(1);
    expect(writer.written).toHaveLength(1);
    for (let n = 1; n <= 20; n++) {
      store.getState().outputReceived([
        {
          taskId: first!,
          progress: { succeeded: n, failed: 0, skipped: 0, failedDates: [] },
        },
      ]);
      vi.advanceTimersByTime(33);
    }
    stop();
    expect(writer.written).toHaveLength(1);
  });
});

import { describe, expect, it } from 'vitest';
import { createAppStore } from '../../src/state/store.js';
import { etaText, planEta } from '../../src/state/plan-eta.js';
import type { AppState } from '../../src/state/store.js';
import { emptyProgress } from '../../src/state/progress.js';
import type { RunRecord } from '../../src/state/run-history.js';
import {
  covered,
  days,
  orchestrationPlan,
  setCoverage,
} from '../orchestration/orchestration-plan.js';

const windows = [
  { id: 'w1', start: '2022-04-01', end: '2022-04-10' },
  { id: 'w2', start: '2022-05-01', end: '2022-05-10' },
];

/**
 * A: 10 s a date (measured from its running task), B: 20 s a date (its history), at most one
 * B at a time, C: 5 s a date (the plan's estimate), after A and B in the same window.
 * At most two tasks at once.
 */
const setUp = (options: { estimateC?: boolean } = {}) => {
  const plan = orchestrationPlan({
    settings: { concurrency: 2 },
    windows,
    warehouse: './warehouse',
    processors: [
      { id: 'A', coverage: { table: 'd.a' } },
      { id: 'B', concurrency: 1, coverage: { table: 'd.b' } },
      {
        id: 'C',
        phase: '4',
        dependsOn: ['A', 'B'],
        coverage: { table: 'd.c' },
        ...(options.estimateC === false ? {} : { estimate: { secondsPerDate: 5 } }),
      },
    ],
  });
  const store = createAppStore(plan);
  const now = Date.parse('2026-01-03T00:00:00Z');
  const w1 = days('2022-04-01', 10);
  const w2 = days('2022-05-01', 10);
  // Remaining dates: A@w1 6 (running: 2 of 8 done), A@w2 3, B@w1 3, B@w2 1, C@w1 4, C@w2 4.
  setCoverage(store, 'A@w1', covered(w1, w1.slice(0, 8)), now);
  setCoverage(store, 'A@w2', covered(w2, w2.slice(0, 3)), now);
  setCoverage(store, 'B@w1', covered(w1, w1.slice(0, 3)), now);
  setCoverage(store, 'B@w2', covered(w2, w2.slice(0, 1)), now);
  setCoverage(store, 'C@w1', covered(w1, w1.slice(0, 4)), now);
  setCoverage(store, 'C@w2', covered(w2, w2.slice(0, 4)), now);
  const state = store.getState();
  state.taskStarting('A@w1', '/tmp/a.log');
  state.taskStarted('A@w1', 4242, now - 20_000);
  state.outputReceived([
    { taskId: 'A@w1', progress: { ...emptyProgress, succeeded: 2, total: 8, index: 3 } },
  ]);
  const bRun: RunRecord = {
    v: 1,
    task: 'B@w1',
    processor: 'B',
    window: 'w1',
    attempt: 1,
    kind: 'window',
    argv: [],
    startedAt: now - 7_200_000,
    endedAt: now - 3_600_000,
    status: 'succeeded',
    succeeded: 180,
    failed: 0,
    skipped: 0,
    failedDates: [],
    datesPerHour: 180,
  };
  state.historyLoaded([bRun]);
  return { store, now };
};

const etaOf = (state: AppState, now: number) => planEta({ ...state, now });

describe('plan ETA', () => {
  it('equals the hand-computed finish with dependencies and concurrency limits', () => {
    const { store, now } = setUp();
    const eta = etaOf(store.getState(), now);
    // By hand, two slots:
    //   t=0    A@w1 (running, 6×10=60 s, ends 60) and A@w2 (3×10=30 s, ends 30)
    //   t=30   B@w1 starts (3×20=60 s, ends 90); C waits for B
    //   t=60   A@w1 ends; B@w2 must wait (B one at a time), C@w1 needs B@w1: a slot idles
    //   t=90   B@w2 (1×20, ends 110) and C@w1 (4×5, ends 110)
    //   t=110  C@w2 (4×5=20 s, ends 130)
    expect(eta).toMatchObject({
      kind: 'estimate',
      remainingMs: 130_000,
      finishAt: now + 130_000,
      remainingDates: 21,
      criticalTask: 'C@w2',
      criticalProcessor: 'C',
    });
    if (eta.kind !== 'estimate') throw new Error('no estimate');
    expect(eta.rates).toEqual({
      A: { secondsPerDate: 10, source: 'run' },
      B: { secondsPerDate: 20, source: 'history' },
      C: { secondsPerDate: 5, source: 'plan' },
    });
    expect(etaText(eta)).toMatch(/^ETA \d\d:\d\d · 2m10s · critical C$/);
  });

  it('says which processor has no rate instead of guessing', () => {
    const { store, now } = setUp({ estimateC: false });
    const eta = etaOf(store.getState(), now);
    expect(eta).toEqual({ kind: 'no-rate', processors: ['C'], remainingDates: 21 });
    expect(etaText(eta)).toBe('ETA unknown: no rate for C (estimate.secondsPerDate)');
  });

  it('is complete when no cell misses a date, and waits while coverage has not answered', () => {
    const { store, now } = setUp();
    expect(
      etaOf(
        {
          ...store.getState(),
          coverage: {
            ...store.getState().coverage,
            'C@w2': { missing: [], expectedDates: [], refreshing: true },
          },
        },
        now,
      ),
    ).toEqual({
      kind: 'waiting',
      cells: ['C@w2'],
    });
    const state = store.getState();
    const full = Object.fromEntries(
      Object.entries(state.coverage).map(([id, c]) => [
        id,
        { ...c, missing: [], covered: c.expected },
      ]),
    );
    const idle = {
      ...state.tasks,
      'A@w1': { ...state.tasks['A@w1']!, status: 'succeeded' as const },
    };
    expect(etaOf({ ...state, coverage: full, tasks: idle }, now)).toEqual({ kind: 'done' });
  });
});

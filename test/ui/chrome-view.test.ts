import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAppStore } from '../../src/state/store.js';
import { emptyProgress } from '../../src/state/progress.js';
import { chromeBudgetMs, createChromeView, statusFrameMs } from '../../src/ui/chrome-view.js';
import { testPlan } from '../support/plans.js';

beforeEach(() => {
  // performance too: the frame budget is measured on the monotonic clock.
  vi.useFakeTimers({
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'],
  });
});
afterEach(() => {
  vi.useRealTimers();
});

const setup = () => {
  const store = createAppStore(testPlan());
  const view = createChromeView(store);
  const seen: number[] = [];
  view.subscribe((state) => seen.push(state.tasks['alpha@w1']?.progress.index ?? 0));
  const tick = (index: number) =>
    store
      .getState()
      .outputReceived([{ taskId: 'alpha@w1', progress: { ...emptyProgress, index, total: 99 } }]);
  return { store, view, seen, tick };
};

describe('the chrome view (what the chrome components read)', () => {
  it('shows ingest ticks at most once per frame budget: the first at once, then the latest', () => {
    const { view, seen, tick } = setup();
    for (let i = 1; i <= 6; i++) {
      tick(i);
      vi.advanceTimersByTime(33);
    }
    // 6 ticks over 198 ms: the first at once, the rest wait for the budget.
    expect(seen).toEqual([1]);
    vi.advanceTimersByTime(chromeBudgetMs);
    expect(seen).toEqual([1, 6]);
    expect(view.getState().tasks['alpha@w1']?.progress.index).toBe(6);
    view.dispose();
  });

  it('shows what a key changed at once, with the latest data', () => {
    const { store, view, seen, tick } = setup();
    tick(1);
    tick(2);
    store.getState().taskSelected('alpha@w2');
    expect(seen).toEqual([1, 2]);
    expect(view.getState().selectedTaskId).toBe('alpha@w2');
    view.dispose();
  });

  it('shows a task starting or ending within a frame, between progress ticks', () => {
    const { store, view, seen, tick } = setup();
    tick(1);
    tick(2);
    store.getState().taskStarting('alpha@w1', '/tmp/a.log');
    // Tick 2 waited for the budget; the start waits only for the frame after tick 1's sync,
    // and goes out with the latest state.
    expect(seen).toHaveLength(1);
    vi.advanceTimersByTime(statusFrameMs);
    expect(seen).toHaveLength(2);
    expect(view.getState().tasks['alpha@w1']?.status).toBe('starting');
    // After a quiet frame, a status change shows at once.
    vi.advanceTimersByTime(statusFrameMs);
    store.getState().taskStarted('alpha@w1', 42, 0, undefined);
    expect(seen).toHaveLength(3);
    expect(view.getState().tasks['alpha@w1']?.status).toBe('running');
    view.dispose();
  });

  it('shows many status changes in one frame as one (50 tasks ending and starting)', () => {
    const { store, view } = setup();
    let syncs = 0;
    view.subscribe(() => syncs++);
    const ids = Object.keys(store.getState().tasks);
    for (const id of ids) store.getState().taskStarting(id, `/tmp/${id}.log`);
    for (const id of ids) store.getState().taskStarted(id, 1, 0, undefined);
    // The first at once, the rest together one frame later.
    expect(syncs).toBe(1);
    vi.advanceTimersByTime(statusFrameMs);
    expect(syncs).toBe(2);
    expect(ids.every((id) => view.getState().tasks[id]?.status === 'running')).toBe(true);
    view.dispose();
  });

  it('never wakes the chrome for log lines or scrolling alone: the screen writer paints those', () => {
    const { store, view, seen } = setup();
    store.getState().outputReceived([{ taskId: 'alpha@w1', progress: emptyProgress }]);
    store.getState().anchorMoved('alpha@w1', 3);
    vi.advanceTimersByTime(chromeBudgetMs * 3);
    expect(seen).toEqual([]);
    view.dispose();
  });
});

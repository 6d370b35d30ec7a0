import { afterEach, describe, expect, it } from 'vitest';
import { createScheduler } from '../../src/runner/orchestration/scheduler.js';
import type { TaskControl } from '../../src/state/services.js';
import { createAppStore } from '../../src/state/store.js';
import type { AppStore } from '../../src/state/store.js';
import { covered, days, finishTask, orchestrationPlan, setCoverage } from './orchestration-plan.js';

const expectedDates = days('2022-04-16', 3);
const plan = orchestrationPlan({
  processors: ['a', 'b'].map((id) => ({
    id,
    coverage: { table: `nba_analytics.${id}`, dateColumn: 'game_date' },
  })),
  windows: [{ id: 'w1', start: '2022-04-16', end: '2022-04-18' }],
  warehouse: './warehouse',
});

const noControl = { start: () => undefined } as unknown as TaskControl;

/**
 * A warehouse that answers each cell `latencyMs` after it is asked, stamped with when it was
 * asked (as the poller stamps its answers).
 */
const slowCoverage = (store: AppStore, latencyMs: number) => {
  const timers = new Set<NodeJS.Timeout>();
  return {
    refresh: (taskIds: readonly string[]) => {
      store.getState().coverageRefreshStarted(taskIds);
      for (const id of taskIds) {
        const askedAt = Date.now();
        const timer = setTimeout(() => {
          timers.delete(timer);
          setCoverage(store, id, covered(expectedDates), askedAt);
        }, latencyMs);
        timers.add(timer);
      }
    },
    dispose: () => timers.forEach((t) => clearTimeout(t)),
  };
};

const stops: (() => void)[] = [];
afterEach(() => stops.splice(0).forEach((stop) => stop()));

describe('a dry run asked while tasks keep ending', () => {
  it('settles from answers newer than the request, though some cell is always waiting for one', async () => {
    const store = createAppStore(plan);
    const coverage = slowCoverage(store, 40);
    const scheduler = createScheduler({ plan, store, control: noControl, coverage });
    stops.push(() => scheduler.dispose(), coverage.dispose);
    for (const id of ['a@w1', 'b@w1']) setCoverage(store, id, covered(expectedDates));

    // a and b end in turn every 25 ms, each asking again (as onTaskEnded does): with answers
    // that take 40 ms, at every moment one of the two cells is older than its task's end.
    let turn = 0;
    const churn = setInterval(() => {
      const id = turn++ % 2 === 0 ? 'a@w1' : 'b@w1';
      finishTask(store, id, { exitCode: 0 });
      coverage.refresh([id]);
    }, 25);
    stops.push(() => clearInterval(churn));
    await new Promise((resolve) => setTimeout(resolve, 100));

    const asked = Date.now();
    const preview = await Promise.race([
      scheduler.previewWhenFresh('gaps'),
      new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 3000)),
    ]);
    expect(preview, 'the dry run never settled while tasks kept ending').toBeDefined();
    // Every cell it decided from was answered after the request, or after its task's end.
    const state = store.getState();
    for (const id of ['a@w1', 'b@w1']) {
      const cell = state.coverage[id]!;
      const endedAt = state.tasks[id]!.endedAt ?? 0;
      expect(cell.refreshedAt).toBeGreaterThanOrEqual(Math.min(asked, endedAt));
    }
  });
});

/**
 * The machine's wall clock set an hour forward or back in the middle of a stop countdown or a
 * pending retry (an NTP step, an operator's `date -s`): only Date is faked, timers stay real.
 * The kill still comes after the grace period, the retry after its delay, and what the table
 * shows counts down the same, because both run on the monotonic clock.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { monotonicNow } from '../../src/state/clock.js';
import { TaskStatus } from '../../src/state/task-status.js';
import { retryLabel } from '../../src/state/retry-slice.js';
import { createAppStore } from '../../src/state/store.js';
import { createRetrier } from '../../src/runner/orchestration/retries.js';
import type { Retrier } from '../../src/runner/orchestration/retries.js';
import { statusText } from '../../src/ui/task-columns.js';
import { recordingControl } from '../support/render-app.js';
import type { ControlCall } from '../support/render-app.js';
import { fixture, startHarness } from '../support/runner-harness.js';
import { waitFor } from '../support/wait-for.js';
import { finishTask, orchestrationPlan, tempDir } from '../orchestration/orchestration-plan.js';

const hour = 3_600_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Sets the wall clock `by` ms away from now; Date alone is faked, it keeps ticking. */
const jumpWallClock = (by: number) => {
  vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
  vi.setSystemTime(Date.now() + by);
};

let harness: ReturnType<typeof startHarness> | undefined;
let retrier: Retrier | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await harness?.tearDown();
  harness = undefined;
  retrier?.dispose();
  retrier = undefined;
});

describe.each([
  ['forward', hour],
  ['back', -hour],
])('the wall clock set an hour %s', (_, by) => {
  it('mid-countdown: SIGKILL still comes after the grace period and the countdown reads true', async () => {
    harness = startHarness([{ id: 'p', command: ['node', fixture('ignore-sigterm.mjs')] }], 2);
    harness.supervisor.start('p@w1');
    await waitFor('ready', () => harness!.tail('p').includes('ready'));
    const stopAt = monotonicNow();
    harness.supervisor.stop('p@w1');
    expect(statusText(harness.task('p'))).toBe('stopping 2s');
    await sleep(300);
    jumpWallClock(by);
    // 1.7 s left: neither 0 s (a forward step) nor an hour more (a step back).
    expect(statusText(harness.task('p'))).toBe('stopping 2s');
    await sleep(800);
    expect(statusText(harness.task('p'))).toBe('stopping 1s');
    const task = await waitFor('the kill', () => {
      const t = harness!.task('p');
      return t.status === TaskStatus.killed ? t : undefined;
    });
    const took = monotonicNow() - stopAt;
    expect(task.signal).toBe('SIGKILL');
    expect(took).toBeGreaterThanOrEqual(1_950);
    expect(took).toBeLessThan(4_000);
  });

  it('during a pending retry: it launches after its delay and its label counts down true', async () => {
    const plan = orchestrationPlan({
      dir: tempDir('retry-clock'),
      windows: [{ id: 'w1', start: '2022-04-01', end: '2022-04-03' }],
      processors: [{ id: 'alpha' }],
      settings: { retry: { attempts: 2, delaySeconds: 2, backoff: 2 } },
    });
    const store = createAppStore(plan);
    const calls: ControlCall[] = [];
    retrier = createRetrier({ plan, store, control: recordingControl(calls) });
    const endedAt = monotonicNow();
    finishTask(store, 'alpha@w1', { exitCode: 1 });
    await waitFor('a pending retry', () => store.getState().retries['alpha@w1']);
    // As the table computes it.
    const label = () => retryLabel(store.getState(), 'alpha@w1', monotonicNow());
    expect(label()).toBe('retry 1/2 in 2s');
    await sleep(300);
    jumpWallClock(by);
    expect(label()).toBe('retry 1/2 in 2s');
    await waitFor('the retry launched', () => calls.find((c) => c.action === 'start'), 5_000);
    const took = monotonicNow() - endedAt;
    expect(took).toBeGreaterThanOrEqual(1_950);
    expect(took).toBeLessThan(4_000);
  });
});

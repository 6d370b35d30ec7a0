import { afterEach, describe, it } from 'vitest';
import { renderApp } from '../support/render-app.js';
import type { Rendered } from '../support/render-app.js';
import { testPlan } from '../support/plans.js';

let app: Rendered | undefined;
afterEach(() => app?.unmount());

describe('a pending retry in the task table', () => {
  it('shows retry n/of with the seconds left in the status column', async () => {
    app = renderApp(testPlan());
    app.store.getState().taskStartFailed('alpha@w1', 'exit 1', Date.now());
    app.store.getState().retryScheduled('alpha@w1', {
      retry: 2,
      of: 3,
      // The monotonic clock pending retries are on.
      at: performance.now() + 45_000,
      reason: 'exit 1',
    });
    await app.waitForFrame((frame) => /alpha\s+w1\s+retry 2\/3 in 4\ds/.test(frame));
  });
});

/**
 * An exception inside a component: what the operator sees. The app has no error boundary of its
 * own, so a throw while rendering reaches Ink's; these tests pin down what that looks like and
 * where malformed state can come from (a journal written by another version, or hand-edited).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Progress } from '../../src/state/progress.js';
import { createAppStore } from '../../src/state/store.js';
import { createLogBook } from '../../src/state/log-book.js';
import { restoreSession } from '../../src/runner/session/restore-session.js';
import type { Supervisor } from '../../src/runner/tasks/supervisor.js';
import { testPlan } from '../support/plans.js';
import { renderApp } from '../support/render-app.js';
import type { Rendered } from '../support/render-app.js';

let app: Rendered | undefined;
afterEach(() => {
  app?.unmount();
  app = undefined;
});

describe('a component that throws while rendering', () => {
  it('shows what broke, and that tasks keep running, not a blank frame', async () => {
    app = renderApp();
    await app.waitForFrame((f) => f.includes('alpha'));
    const { store } = app;
    store.getState().taskStarting('alpha@w1', '/tmp/alpha.log');
    store.getState().taskStarted('alpha@w1', 4242, Date.now());
    // A progress object without its tallies: `failedDates` null, counts missing.
    const malformed = { failed: 1, failedDates: null } as unknown as Progress;
    store.getState().outputReceived([{ taskId: 'alpha@w1', progress: malformed }]);
    const frame = await app.waitForFrame((f) => f.includes('backfill-console hit a bug'));
    expect(frame).toMatch(/Running tasks keep\s+running/);
    expect(frame).toMatch(/TypeError|Cannot read properties of null/);
    expect(frame).toContain("reading 'slice'");
    // Nothing of the console is left to act on: the table is gone.
    expect(frame).not.toContain('Phase 3 analytics');
  });
});

describe('a journal entry the UI cannot draw', () => {
  it('is not restored as is: the restored task gets a usable progress object', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'faults-journal-'));
    const plan = testPlan(dir);
    mkdirSync(plan.stateDir, { recursive: true });
    writeFileSync(
      path.join(plan.stateDir, 'journal.json'),
      JSON.stringify({
        version: 1,
        writtenAt: Date.now(),
        tasks: {
          'alpha@w1': {
            status: 'succeeded',
            attempt: 1,
            exitCode: 0,
            startedAt: 1,
            endedAt: 2,
            progress: null,
          },
        },
      }),
    );
    const store = createAppStore(plan);
    const logBook = createLogBook(100);
    const notAttached = { attach: () => undefined } as unknown as Supervisor;
    restoreSession(plan, store, logBook, notAttached);
    const progress = store.getState().tasks['alpha@w1']?.progress;
    expect(progress).toMatchObject({ succeeded: 0, failed: 0, skipped: 0, failedDates: [] });
  });
});

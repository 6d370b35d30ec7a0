import { afterEach, describe, expect, it } from 'vitest';
import type { RunMode, RunPreview, RunScope } from '../../src/state/run-slice.js';
import type { RunControl } from '../../src/state/services.js';
import { planRun } from '../../src/runner/orchestration/run-planner.js';
import { keys, renderApp } from '../support/render-app.js';
import type { Rendered } from '../support/render-app.js';
import { testPlan } from '../support/plans.js';
import { coveragePlan, okResult } from '../coverage/coverage-plans.js';
import { createScheduler } from '../../src/runner/orchestration/scheduler.js';

let app: Rendered | undefined;
afterEach(() => app?.unmount());

/** A run control whose previews are the real planner's; starts are recorded, not carried out. */
const recordingRuns = (
  started: RunPreview[],
  previews: { mode: RunMode; scope?: RunScope }[],
): RunControl => ({
  requestPreview: (mode, scope) => {
    previews.push({ mode, scope });
    const state = app!.store.getState();
    state.runPreviewed(planRun(state.plan, state, mode, scope));
  },
  start: (preview) => started.push(preview),
  togglePause: () => undefined,
  isRunning: () => false,
});

describe('runs of the plan', () => {
  it('shows the dry run for a, with exact commands in dependency order, and starts it on y', async () => {
    const started: RunPreview[] = [];
    const previews: { mode: RunMode }[] = [];
    const plan = testPlan('/tmp/plan', (id) => [
      'node',
      `${id}.mjs`,
      '--start-date',
      '{start}',
      '--end-date',
      '{end}',
    ]);
    app = renderApp(plan, { runs: recordingRuns(started, previews) });
    await app.waitForFrame((f) => f.includes('alpha'));
    await app.press('a');
    const frame = await app.waitForFrame((f) => f.includes('4 tasks to run'));
    const lines = frame.split('\n');
    const alpha = lines.findIndex((l) => l.includes('1. alpha@w1'));
    const beta = lines.findIndex((l) => l.includes('beta@w1') && l.includes('after alpha@w1'));
    expect(alpha).toBeGreaterThan(0);
    expect(beta).toBeGreaterThan(alpha);
    expect(frame).toContain('$ node alpha.mjs --start-date 2022-04-16 --end-date 2022-04-20');
    expect(started).toHaveLength(0);
    await app.press('y');
    expect(started.map((p) => p.steps.map((s) => s.taskId))).toEqual([
      ['alpha@w1', 'alpha@w2', 'beta@w1', 'beta@w2'],
    ]);
    await app.waitForFrame((f) => f.includes('Phase 3 analytics'));
  });

  it('says it is asking the warehouse until every cell has answered, then shows the dry run', async () => {
    const plan = coveragePlan({
      dir: '/tmp/asking',
      processors: [
        { id: 'zones', coverage: { table: 'nba_precompute.zones' } },
        { id: 'shots', coverage: { table: 'nba_precompute.shots' } },
      ],
      expectedSql: 'SELECT 1',
    });
    // The real scheduler over the console's store; the warehouse is the test, answering by hand.
    const asked: string[][] = [];
    // Wired after the render: the scheduler needs the store renderApp makes.
    const wired: { scheduler?: ReturnType<typeof createScheduler> } = {};
    const runs: RunControl = {
      requestPreview: (mode, scope) => wired.scheduler!.requestPreview(mode, scope),
      start: (preview) => wired.scheduler!.start(preview),
      togglePause: () => wired.scheduler!.togglePause(),
      isRunning: () => wired.scheduler!.isRunning(),
    };
    app = renderApp(plan, { runs });
    const scheduler = createScheduler({
      plan,
      store: app.store,
      control: app.control,
      coverage: { refresh: (ids) => asked.push([...ids]) },
    });
    wired.scheduler = scheduler;
    await app.waitForFrame((f) => f.includes('zones'));
    await app.press('G');
    await app.waitForFrame((f) => f.includes('asking the warehouse… 0 of 4 cells'));
    expect(asked).toEqual([['zones@w1', 'zones@w2', 'shots@w1', 'shots@w2']]);
    await app.press('y');
    await app.waitForFrame((f) => f.includes('still asking the warehouse'));

    const days = ['2022-04-16', '2022-04-17'];
    const answer = (id: string, missing: string[]) =>
      app!.store.getState().coverageCellRefreshed(id, okResult(days, missing), Date.now());
    answer('zones@w1', []);
    answer('zones@w2', ['2022-04-17']);
    answer('shots@w1', []);
    await app.waitForFrame((f) => f.includes('asking the warehouse… 3 of 4 cells'));
    answer('shots@w2', []);
    const frame = await app.waitForFrame((f) => f.includes('1 task to run, 3 skipped'));
    expect(frame).toContain('zones@w2 · 1 missing date in 1 range');
    scheduler.dispose();
  });

  it('starts nothing when the dry run is cancelled', async () => {
    const started: RunPreview[] = [];
    app = renderApp(testPlan(), { runs: recordingRuns(started, []) });
    await app.waitForFrame((f) => f.includes('alpha'));
    await app.press('G');
    await app.waitForFrame((f) => f.includes('Fill gaps'));
    await app.press(keys.escape);
    await app.waitForFrame((f) => f.includes('Phase 3 analytics'));
    expect(started).toEqual([]);
  });

  it('fills gaps of the selected task only with g', async () => {
    const previews: { mode: RunMode; scope?: RunScope }[] = [];
    app = renderApp(testPlan(), { runs: recordingRuns([], previews) });
    await app.waitForFrame((f) => f.includes('alpha'));
    await app.press('j', 'g');
    expect(previews).toEqual([{ mode: 'gaps', scope: { tasks: ['alpha@w2'] } }]);
  });

  it('asks before starting a blocked task and writes the override into its start', async () => {
    app = renderApp(testPlan());
    await app.waitForFrame((f) => f.includes('beta'));
    await app.press('j', 'j');
    const waiting = await app.waitForFrame((f) => /beta\s+w1\s+waiting/.test(f));
    expect(waiting).toContain('waiting for alpha w1: not run');
    await app.press(keys.enter);
    await app.waitForFrame((f) =>
      f.includes('beta@w1 is blocked (waiting for alpha w1: not run). Start it anyway?'),
    );
    expect(app.calls).toEqual([]);
    await app.press('y');
    expect(app.calls).toEqual([
      {
        action: 'start',
        taskId: 'beta@w1',
        note: 'operator override: started while waiting for alpha w1: not run',
      },
    ]);
  });

  it('starts a ready task at once', async () => {
    app = renderApp(testPlan());
    await app.waitForFrame((f) => f.includes('alpha'));
    await app.press(keys.enter);
    expect(app.calls).toEqual([{ action: 'start', taskId: 'alpha@w1' }]);
  });
});

import { describe, expect, it } from 'vitest';
import { handoffReport } from '../../src/state/handoff-report.js';
import { planEta } from '../../src/state/plan-eta.js';
import { planRun } from '../../src/runner/orchestration/run-planner.js';
import { createAppStore } from '../../src/state/store.js';
import { emptyProgress } from '../../src/state/progress.js';
import {
  covered,
  days,
  orchestrationPlan,
  setCoverage,
} from '../orchestration/orchestration-plan.js';

const now = Date.parse('2026-01-03T00:10:00Z');

/** Three processors over two windows in every state a handoff must tell apart. */
const fixedState = () => {
  const plan = orchestrationPlan({
    dir: '/plans/nba',
    settings: { concurrency: 2 },
    warehouse: './warehouse',
    windows: [
      { id: '2021-22', start: '2022-04-16', end: '2022-04-25' },
      { id: '2022-23', start: '2023-04-15', end: '2023-04-24' },
    ],
    processors: [
      {
        id: 'team_offense',
        command: ['python', 'offense.py', '--start-date', '{start}', '--end-date', '{end}'],
        coverage: { table: 'nba_analytics.team_offense' },
        estimate: { secondsPerDate: 60 },
      },
      {
        id: 'zones',
        phase: '4',
        dependsOn: ['team_offense'],
        command: ['python', 'zones.py', '--start-date', '{start}', '--end-date', '{end}'],
        fillGaps: { by: 'dates', append: ['--dates', '{dates}'] },
        coverage: { table: 'nba_precompute.zones' },
        estimate: { secondsPerDate: 30 },
      },
      {
        id: 'composite',
        phase: '4',
        dependsOn: ['zones'],
        command: ['python', 'composite.py', '--start-date', '{start}', '--end-date', '{end}'],
        coverage: { table: 'nba_precompute.composite' },
        estimate: { secondsPerDate: 45 },
      },
    ] as never,
  });
  const store = createAppStore(plan);
  /** A run that started and ended at fixed times, so measured paces are the same every time. */
  const ran = (
    taskId: string,
    exit: { exitCode: number; lastError?: string },
    progress: Partial<typeof emptyProgress>,
    minutesAgo: [start: number, end: number],
  ) => {
    const st = store.getState();
    st.taskStarting(taskId, `/plans/nba/.backfill/logs/${taskId}/t.log`);
    st.taskStarted(taskId, 4000, now - minutesAgo[0] * 60_000);
    st.outputReceived([{ taskId, progress: { ...emptyProgress, ...progress } }]);
    st.taskExited(taskId, { ...exit, endedAt: now - minutesAgo[1] * 60_000 });
  };
  const w1 = days('2022-04-16', 10);
  const w2 = days('2023-04-15', 10);
  const s = store.getState();
  // team_offense: 2021-22 done; 2022-23 running (4 of 10, 3 done in 30 min)
  ran('team_offense@2021-22', { exitCode: 0 }, { succeeded: 10, total: 10 }, [200, 100]);
  setCoverage(store, 'team_offense@2021-22', covered(w1), now);
  setCoverage(store, 'team_offense@2022-23', covered(w2, w2.slice(3)), now);
  s.taskStarting('team_offense@2022-23', '/plans/nba/.backfill/logs/team_offense@2022-23/t.log');
  s.taskStarted('team_offense@2022-23', 4242, now - 30 * 60_000);
  s.outputReceived([
    {
      taskId: 'team_offense@2022-23',
      progress: { ...emptyProgress, succeeded: 3, index: 4, total: 10, currentDate: '2023-04-18' },
    },
  ]);
  // zones 2021-22: exit 0 with two failed dates; 2022-23 waits upstream.
  ran(
    'zones@2021-22',
    { exitCode: 0 },
    { succeeded: 8, failed: 2, total: 10, failedDates: ['2022-04-19', '2022-04-22'] },
    [90, 80],
  );
  setCoverage(store, 'zones@2021-22', covered(w1, ['2022-04-19', '2022-04-22']), now);
  setCoverage(store, 'zones@2022-23', covered(w2, w2), now);
  // composite 2021-22: exit 1; 2022-23: its query fails.
  ran('composite@2021-22', { exitCode: 1, lastError: 'KeyError: source_tracking' }, {}, [2, 1]);
  setCoverage(store, 'composite@2021-22', covered(w1, w1), now);
  store
    .getState()
    .coverageCellRefreshed(
      'composite@2022-23',
      { ok: false, error: 'no such table: nba_precompute.composite', durationMs: 3 },
      now,
    );
  return { plan, store };
};

describe('handoff report', () => {
  it('of a fixed state matches the golden file', async () => {
    const { plan, store } = fixedState();
    const state = store.getState();
    const report = handoffReport({
      ...state,
      plan: { ...plan, file: '/plans/nba/backfill.yaml' },
      eta: planEta({ ...state, now }),
      remaining: planRun(plan, state, 'gaps'),
      warehouse: 'sqlite ./warehouse',
      now,
    });
    // A real GitHub table: a header row, a delimiter row, one row per processor.
    expect(report).toMatch(
      /\| Phase \| Processor \| 2021-22 \| 2022-23 \|\n\| --- \| --- \| --- \| --- \|/,
    );
    await expect(report).toMatchFileSnapshot('golden/handoff-report.md');
  });

  it('lists the success checks with their value, range and verdict', () => {
    const { plan, store } = fixedState();
    const state = store.getState();
    const checks = [
      { id: 'rows', title: 'Player rows', sql: 'SELECT 1', min: 100, max: 200 },
      { id: 'dupes', sql: 'SELECT 1', max: 0 },
      { id: 'nulls', sql: 'SELECT 1', max: 0 },
      { id: 'later', sql: 'SELECT 1', min: 1 },
    ];
    const report = handoffReport({
      ...state,
      plan: { ...plan, checks },
      checks: {
        rows: { value: 150, refreshing: false, refreshedAt: now },
        dupes: { value: 3, refreshing: false, refreshedAt: now },
        nulls: { error: 'no such column: season_type', refreshing: false, refreshedAt: now },
        later: { refreshing: false },
      },
      eta: planEta({ ...state, now }),
      remaining: planRun(plan, state, 'gaps'),
      now,
    });
    const section = report.slice(report.indexOf('## Checks'), report.indexOf('## Running now'));
    expect(section.trim().split('\n')).toEqual([
      '## Checks',
      '',
      '1/4 pass',
      '',
      '- ✅ **Player rows**: 150 (must be 100..200)',
      '- ❌ **dupes**: 3 (must be ≤ 0)',
      '- ❌ **nulls**: query error: no such column: season_type',
      '- ❔ **later**: not asked',
    ]);
  });
  it('flags ⚑ a succeeded run whose dates are only thin, counting and listing them', () => {
    const { plan, store } = fixedState();
    const w1 = days('2022-04-16', 10);
    // team_offense 2021-22 succeeded; its warehouse has every date, one with too few rows.
    setCoverage(
      store,
      'team_offense@2021-22',
      { ...covered(w1), covered: 9, thin: [{ date: '2022-04-20', rows: 3, expected: 6 }] },
      now,
    );
    const state = store.getState();
    const report = handoffReport({
      ...state,
      plan,
      eta: planEta({ ...state, now }),
      remaining: planRun(plan, state, 'gaps'),
      now,
    });
    expect(report).toContain(
      '- ⚑ **team_offense@2021-22**: the last run succeeded, but the warehouse lacks 1 expected date · thin (1): 2022-04-20: 3 of 6 rows',
    );
  });
});

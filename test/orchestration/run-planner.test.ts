import { describe, expect, it } from 'vitest';
import { planRun } from '../../src/runner/orchestration/run-planner.js';
import { createAppStore } from '../../src/state/store.js';
import type { AppStore } from '../../src/state/store.js';
import { covered, days, orchestrationPlan, setCoverage } from './orchestration-plan.js';
import type { ProcessorInput } from './orchestration-plan.js';

const coverage = (id: string) => ({ table: `nba_analytics.${id}`, dateColumn: 'game_date' });
const range = ['--start-date', '{start}', '--end-date', '{end}'];

/**
 * Listed out of dependency order on purpose: player_game_summary depends on
 * team_offense_game_summary, which comes after it in the plan.
 */
const processors: ProcessorInput[] = [
  {
    id: 'player_game_summary',
    command: ['python', 'pgs.py', ...range],
    dependsOn: ['team_offense_game_summary'],
    coverage: coverage('player_game_summary'),
  },
  {
    id: 'team_offense_game_summary',
    command: ['python', 'offense.py', ...range],
    coverage: coverage('team_offense_game_summary'),
  },
  // No coverage declared: untracked.
  { id: 'upcoming_team_game_context', command: ['python', 'context.py', ...range] },
  {
    id: 'team_defense_zone_analysis',
    phase: '4',
    command: ['node', 'phase4.mjs', ...range, '--skip-preflight'],
    dependsOn: ['player_game_summary'],
    fillGaps: { by: 'dates', append: ['--dates', '{dates}'] },
    coverage: coverage('team_defense_zone_analysis'),
  },
];

const setUp = (extra: ProcessorInput[] = []) => {
  const plan = orchestrationPlan({ processors: [...processors, ...extra] });
  return { plan, store: createAppStore(plan) };
};

const expected45 = days('2022-04-16', 45);
const expected44 = days('2023-04-15', 44);

/** Every tracked cell complete, so a test sets only the cells it is about. */
const allComplete = (store: AppStore) => {
  for (const taskId of Object.keys(store.getState().coverage)) {
    setCoverage(store, taskId, covered(taskId.endsWith('2021-22') ? expected45 : expected44));
  }
};

const ids = (steps: { taskId: string }[]) => steps.map((s) => s.taskId);

describe('planRun', () => {
  it('lists the steps in dependency order, each after the upstream steps of this run', () => {
    const { plan, store } = setUp();
    const preview = planRun(plan, store.getState(), 'everything');
    expect(ids(preview.steps)).toEqual([
      'team_offense_game_summary@2021-22',
      'team_offense_game_summary@2022-23',
      'player_game_summary@2021-22',
      'player_game_summary@2022-23',
      'upcoming_team_game_context@2021-22',
      'upcoming_team_game_context@2022-23',
      'team_defense_zone_analysis@2021-22',
      'team_defense_zone_analysis@2022-23',
    ]);
    const after = Object.fromEntries(preview.steps.map((s) => [s.taskId, s.after]));
    expect(after).toEqual({
      'team_offense_game_summary@2021-22': [],
      'team_offense_game_summary@2022-23': [],
      'player_game_summary@2021-22': ['team_offense_game_summary@2021-22'],
      'player_game_summary@2022-23': ['team_offense_game_summary@2022-23'],
      'upcoming_team_game_context@2021-22': [],
      'upcoming_team_game_context@2022-23': [],
      'team_defense_zone_analysis@2021-22': ['player_game_summary@2021-22'],
      'team_defense_zone_analysis@2022-23': ['player_game_summary@2022-23'],
    });
    expect(preview.skipped).toEqual([]);
  });

  it('does not list an upstream that is not part of the run in `after`', () => {
    const { plan, store } = setUp();
    setCoverage(store, 'team_offense_game_summary@2021-22', covered(expected45));
    const preview = planRun(plan, store.getState(), 'all');
    const step = preview.steps.find((s) => s.taskId === 'player_game_summary@2021-22');
    expect(step?.after).toEqual([]);
    expect(ids(preview.steps)).not.toContain('team_offense_game_summary@2021-22');
  });

  it('\'all\' skips complete cells as "complete: 45/45 dates" and runs the rest over the whole window', () => {
    const { plan, store } = setUp();
    allComplete(store);
    setCoverage(
      store,
      'team_offense_game_summary@2022-23',
      covered(expected44, expected44.slice(12)),
    );
    const preview = planRun(plan, store.getState(), 'all');
    expect(preview.mode).toBe('all');
    expect(preview.steps).toEqual([
      {
        taskId: 'team_offense_game_summary@2022-23',
        runs: [['python', 'offense.py', '--start-date', '2023-04-15', '--end-date', '2023-06-13']],
        commands: ['python offense.py --start-date 2023-04-15 --end-date 2023-06-13'],
        detail: 'whole window (12/44 dates covered)',
        after: [],
      },
      {
        taskId: 'upcoming_team_game_context@2021-22',
        runs: [['python', 'context.py', '--start-date', '2022-04-16', '--end-date', '2022-06-17']],
        commands: ['python context.py --start-date 2022-04-16 --end-date 2022-06-17'],
        detail: 'whole window',
        after: [],
      },
      {
        taskId: 'upcoming_team_game_context@2022-23',
        runs: [['python', 'context.py', '--start-date', '2023-04-15', '--end-date', '2023-06-13']],
        commands: ['python context.py --start-date 2023-04-15 --end-date 2023-06-13'],
        detail: 'whole window',
        after: [],
      },
    ]);
    expect(preview.skipped).toContainEqual({
      taskId: 'team_offense_game_summary@2021-22',
      reason: 'complete: 45/45 dates',
    });
    expect(preview.skipped).toContainEqual({
      taskId: 'team_defense_zone_analysis@2022-23',
      reason: 'complete: 44/44 dates',
    });
    expect(preview.skipped).toHaveLength(5);
  });

  it("'everything' runs complete cells too, over the whole window", () => {
    const { plan, store } = setUp();
    allComplete(store);
    const preview = planRun(plan, store.getState(), 'everything');
    expect(preview.skipped).toEqual([]);
    expect(preview.steps).toHaveLength(8);
    expect(preview.steps.find((s) => s.taskId === 'team_offense_game_summary@2021-22')).toEqual({
      taskId: 'team_offense_game_summary@2021-22',
      runs: [['python', 'offense.py', '--start-date', '2022-04-16', '--end-date', '2022-06-17']],
      commands: ['python offense.py --start-date 2022-04-16 --end-date 2022-06-17'],
      detail: 'whole window (45/45 dates covered)',
      after: [],
    });
  });

  describe("'gaps'", () => {
    // Game dates with off-days between them: 04-18, 04-21, 04-24 and 04-26 have no game.
    const games = [
      '2022-04-16',
      '2022-04-17',
      '2022-04-19',
      '2022-04-20',
      '2022-04-22',
      '2022-04-23',
      '2022-04-25',
      '2022-04-27',
    ];

    it('runs one range per run of missing dates along the expected dates, as {start}/{end}', () => {
      const { plan, store } = setUp();
      allComplete(store);
      setCoverage(
        store,
        'team_offense_game_summary@2021-22',
        covered(games, ['2022-04-17', '2022-04-19', '2022-04-20', '2022-04-25']),
      );
      const preview = planRun(plan, store.getState(), 'gaps');
      expect(preview.steps).toEqual([
        {
          taskId: 'team_offense_game_summary@2021-22',
          runs: [
            ['python', 'offense.py', '--start-date', '2022-04-17', '--end-date', '2022-04-20'],
            ['python', 'offense.py', '--start-date', '2022-04-25', '--end-date', '2022-04-25'],
          ],
          commands: [
            'python offense.py --start-date 2022-04-17 --end-date 2022-04-20',
            'python offense.py --start-date 2022-04-25 --end-date 2022-04-25',
          ],
          detail: '4 missing dates in 2 ranges',
          after: [],
          // What the step was planned to fill: at launch only those still missing run.
          gapDates: ['2022-04-17', '2022-04-19', '2022-04-20', '2022-04-25'],
        },
      ]);
    });

    it('uses fillGaps.command for the ranges when given, with {window} filled in', () => {
      const { plan, store } = setUp([
        {
          id: 'grading',
          phase: '5',
          command: ['python', 'grade.py', ...range],
          fillGaps: { command: ['python', 'regrade.py', '{window}', '{start}..{end}'] },
          coverage: coverage('grading'),
        },
      ]);
      allComplete(store);
      setCoverage(store, 'grading@2021-22', covered(games, ['2022-04-27']));
      const preview = planRun(plan, store.getState(), 'gaps');
      expect(preview.steps.map((s) => [s.taskId, s.runs])).toEqual([
        ['grading@2021-22', [['python', 'regrade.py', '2021-22', '2022-04-27..2022-04-27']]],
      ]);
    });

    it('with by: dates, runs once with the missing dates comma-joined into {dates}', () => {
      const { plan, store } = setUp();
      allComplete(store);
      setCoverage(
        store,
        'team_defense_zone_analysis@2021-22',
        covered(expected45, ['2022-04-19', '2022-05-02', '2022-05-17']),
      );
      const preview = planRun(plan, store.getState(), 'gaps');
      const argv = [
        'node',
        'phase4.mjs',
        '--start-date',
        '2022-04-16',
        '--end-date',
        '2022-06-17',
        '--skip-preflight',
        '--dates',
        '2022-04-19,2022-05-02,2022-05-17',
      ];
      expect(preview.steps).toEqual([
        {
          taskId: 'team_defense_zone_analysis@2021-22',
          runs: [argv],
          commands: [argv.join(' ')],
          detail: '3 missing dates as a list',
          after: [],
          gapDates: ['2022-04-19', '2022-05-02', '2022-05-17'],
        },
      ]);
    });

    it('with by: dates, a fillGaps.command and separator replace the command and the comma', () => {
      const { plan, store } = setUp([
        {
          id: 'predictions',
          phase: '5',
          command: ['python', 'predict.py', ...range],
          fillGaps: {
            by: 'dates',
            command: ['python', 'predict.py', '--dates={dates}'],
            separator: ' ',
          },
          coverage: coverage('predictions'),
        },
      ]);
      allComplete(store);
      setCoverage(store, 'predictions@2022-23', covered(expected44, ['2023-04-15', '2023-04-18']));
      const preview = planRun(plan, store.getState(), 'gaps');
      expect(preview.steps.map((s) => s.runs)).toEqual([
        [['python', 'predict.py', '--dates=2023-04-15 2023-04-18']],
      ]);
    });

    it('skips complete cells, and cells whose gaps are unknown, each with its reason', () => {
      const { plan, store } = setUp();
      allComplete(store);
      // Not queried yet: a fresh store.
      const fresh = createAppStore(plan);
      setCoverage(store, 'team_defense_zone_analysis@2022-23', {
        ok: false,
        error: 'coverage query failed: no such table: nba_analytics.team_defense_zone_analysis',
        durationMs: 2,
      });
      // Counted: dates found, but no expected query to compare them with.
      setCoverage(store, 'player_game_summary@2022-23', {
        ok: true,
        covered: 30,
        missing: [],
        expectedDates: [],
        durationMs: 2,
      });
      const preview = planRun(plan, store.getState(), 'gaps');
      expect(preview.steps).toEqual([]);
      const reasons = Object.fromEntries(preview.skipped.map((s) => [s.taskId, s.reason]));
      expect(reasons).toEqual({
        'team_offense_game_summary@2021-22': 'complete: 45/45 dates',
        'team_offense_game_summary@2022-23': 'complete: 44/44 dates',
        'player_game_summary@2021-22': 'complete: 45/45 dates',
        'player_game_summary@2022-23': 'no expected dates: gaps unknown',
        'upcoming_team_game_context@2021-22':
          'no coverage declared: gaps unknown (a whole-window run covers it)',
        'upcoming_team_game_context@2022-23':
          'no coverage declared: gaps unknown (a whole-window run covers it)',
        'team_defense_zone_analysis@2021-22': 'complete: 45/45 dates',
        'team_defense_zone_analysis@2022-23': 'coverage query failed: gaps unknown',
      });
      const unknown = planRun(plan, fresh.getState(), 'gaps', {
        tasks: ['team_offense_game_summary@2021-22'],
      });
      expect(unknown).toEqual({
        mode: 'gaps',
        steps: [],
        skipped: [
          {
            taskId: 'team_offense_game_summary@2021-22',
            reason: 'coverage not known yet',
          },
        ],
      });
    });

    it('skips a cell whose last query failed even when an earlier query had found gaps', () => {
      const { plan, store } = setUp();
      allComplete(store);
      setCoverage(
        store,
        'team_defense_zone_analysis@2021-22',
        covered(expected45, ['2022-04-19', '2022-05-02']),
      );
      setCoverage(store, 'team_defense_zone_analysis@2021-22', {
        ok: false,
        error:
          'coverage query failed: Access Denied: Table nba_analytics.team_defense_zone_analysis',
        durationMs: 2,
      });
      const preview = planRun(plan, store.getState(), 'gaps');
      expect(ids(preview.steps)).toEqual([]);
      expect(preview.skipped).toContainEqual({
        taskId: 'team_defense_zone_analysis@2021-22',
        reason: 'coverage query failed: gaps unknown',
      });
    });
  });

  describe('scope', () => {
    it('keeps only the chosen processors, and says nothing of the others', () => {
      const { plan, store } = setUp();
      const preview = planRun(plan, store.getState(), 'all', {
        processors: ['team_defense_zone_analysis'],
      });
      expect(ids(preview.steps)).toEqual([
        'team_defense_zone_analysis@2021-22',
        'team_defense_zone_analysis@2022-23',
      ]);
      expect(preview.steps.every((s) => s.after.length === 0)).toBe(true);
      expect(preview.skipped).toEqual([]);
    });

    it('keeps only the chosen windows', () => {
      const { plan, store } = setUp();
      const preview = planRun(plan, store.getState(), 'all', { windows: ['2022-23'] });
      expect(ids(preview.steps)).toEqual([
        'team_offense_game_summary@2022-23',
        'player_game_summary@2022-23',
        'upcoming_team_game_context@2022-23',
        'team_defense_zone_analysis@2022-23',
      ]);
    });

    it('keeps only the chosen tasks, and intersects the filters', () => {
      const { plan, store } = setUp();
      expect(
        ids(
          planRun(plan, store.getState(), 'all', { tasks: ['player_game_summary@2021-22'] }).steps,
        ),
      ).toEqual(['player_game_summary@2021-22']);
      expect(
        ids(
          planRun(plan, store.getState(), 'all', {
            processors: ['player_game_summary', 'team_offense_game_summary'],
            windows: ['2021-22'],
          }).steps,
        ),
      ).toEqual(['team_offense_game_summary@2021-22', 'player_game_summary@2021-22']);
    });
  });

  it('skips a task that is already running, in every mode', () => {
    const { plan, store } = setUp();
    setCoverage(store, 'team_offense_game_summary@2021-22', covered(expected45, ['2022-04-16']));
    store.getState().taskStarting('team_offense_game_summary@2021-22', '/tmp/offense.log');
    for (const mode of ['all', 'gaps', 'everything'] as const) {
      const preview = planRun(plan, store.getState(), mode);
      expect(ids(preview.steps)).not.toContain('team_offense_game_summary@2021-22');
      expect(preview.skipped).toContainEqual({
        taskId: 'team_offense_game_summary@2021-22',
        reason: 'already running',
      });
    }
    // Its downstream is planned, but not after a step that is not in the run.
    const all = planRun(plan, store.getState(), 'all');
    expect(all.steps.find((s) => s.taskId === 'player_game_summary@2021-22')?.after).toEqual([]);
  });
});

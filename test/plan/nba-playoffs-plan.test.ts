import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadPlan } from '../../src/plan/index.js';
import type { Processor } from '../../src/plan/index.js';

const planFile = fileURLToPath(
  new URL('../../examples/nba-playoffs/backfill.yaml', import.meta.url),
);
const plan = loadPlan(planFile);

const phase3 = [
  'team_offense_game_summary',
  'team_defense_game_summary',
  'player_game_summary',
  'upcoming_player_game_context',
  'upcoming_team_game_context',
];
const phase4 = [
  'team_defense_zone_analysis',
  'player_shot_zone_analysis',
  'player_composite_factors',
  'player_daily_cache',
  'ml_feature_store',
];
const allIds = [...phase3, ...phase4, 'player_prop_predictions', 'prediction_accuracy'];

/** The scripts as they sit in najicham/nba-stats-scraper, relative to its root. */
const scriptOf = (id: string): string => {
  if (phase3.includes(id)) return `backfill_jobs/analytics/${id}/${id}_analytics_backfill.py`;
  if (phase4.includes(id)) return `backfill_jobs/precompute/${id}/${id}_precompute_backfill.py`;
  if (id === 'player_prop_predictions') {
    return 'backfill_jobs/prediction/player_prop_predictions_backfill.py';
  }
  if (id === 'prediction_accuracy') {
    return 'backfill_jobs/grading/prediction_accuracy/prediction_accuracy_grading_backfill.py';
  }
  throw new Error(`no script known for ${id}`);
};

const inPhase = (phase: string): Processor[] => plan.processors.filter((p) => p.phase === phase);

describe('examples/nba-playoffs/backfill.yaml (the real platform)', () => {
  it('declares the three playoff windows', () => {
    expect(plan.windows.map(({ id, start, end }) => ({ id, start, end }))).toEqual([
      { id: '2021-22', start: '2022-04-16', end: '2022-06-17' },
      { id: '2022-23', start: '2023-04-15', end: '2023-06-13' },
      { id: '2023-24', start: '2024-04-16', end: '2024-06-18' },
    ]);
  });

  it('has phases 3, 4, 5 and 5B in that order', () => {
    expect(plan.phases.map((p) => p.id)).toEqual(['3', '4', '5', '5B']);
  });

  it('lists every processor of the platform in phase order', () => {
    expect(plan.processors).toHaveLength(12);
    expect(plan.processors.map((p) => p.id)).toEqual(allIds);
    expect(inPhase('3').map((p) => p.id)).toEqual(phase3);
    expect(inPhase('4').map((p) => p.id)).toEqual(phase4);
    expect(inPhase('5').map((p) => p.id)).toEqual(['player_prop_predictions']);
    expect(inPhase('5B').map((p) => p.id)).toEqual(['prediction_accuracy']);
  });

  it('runs each real script with the venv python over the window, from the repository root', () => {
    for (const p of plan.processors) {
      const [python, script, ...flags] = p.command ?? [];
      expect(python, p.id).toBe('.venv/bin/python');
      expect(script, p.id).toBe(scriptOf(p.id));
      expect(script, p.id).toMatch(/^backfill_jobs\/[a-z_/]+\.py$/);
      expect(script, p.id).toContain(p.id);
      expect(flags.slice(0, 4), p.id).toEqual(['--start-date', '{start}', '--end-date', '{end}']);
      expect(p.cwd, p.id).toBe('..');
      // The plan lives in <repo>/backfill/, so cwd `..` is the checkout's root.
      expect(p.resolvedCwd, p.id).toBe(path.resolve(path.dirname(planFile), '..'));
      expect(p.env, p.id).toEqual({ PYTHONPATH: '.' });
    }
  });

  it('passes --skip-preflight to phases 4, 5 and 5B only (phase 3 scripts exit 2 on it)', () => {
    for (const p of [...inPhase('4'), ...inPhase('5'), ...inPhase('5B')]) {
      expect(p.command, p.id).toContain('--skip-preflight');
    }
    for (const p of inPhase('3')) {
      expect(p.command, p.id).not.toContain('--skip-preflight');
    }
    expect(inPhase('4')).toHaveLength(5);
  });

  it('never passes --dates, which the upcoming_* scripts reject', () => {
    for (const p of plan.processors) {
      expect(
        (p.command ?? []).some((arg) => arg.startsWith('--dates')),
        p.id,
      ).toBe(false);
    }
  });

  it('declares the dependency edges of the platform', () => {
    const edges = Object.fromEntries(plan.processors.map((p) => [p.id, [...p.dependsOn].sort()]));
    expect(edges).toEqual({
      team_offense_game_summary: [],
      team_defense_game_summary: [],
      player_game_summary: ['team_offense_game_summary'],
      upcoming_player_game_context: [],
      upcoming_team_game_context: [],
      team_defense_zone_analysis: ['team_defense_game_summary'],
      player_shot_zone_analysis: ['player_game_summary'],
      player_composite_factors: [
        'player_shot_zone_analysis',
        'team_defense_zone_analysis',
        'upcoming_player_game_context',
        'upcoming_team_game_context',
      ],
      player_daily_cache: ['player_composite_factors'],
      ml_feature_store: [
        'player_composite_factors',
        'player_daily_cache',
        'player_shot_zone_analysis',
        'team_defense_zone_analysis',
      ],
      player_prop_predictions: ['ml_feature_store'],
      prediction_accuracy: ['player_prop_predictions'],
    });
  });

  it('measures coverage in the real tables and date columns', () => {
    const coverage = Object.fromEntries(plan.processors.map((p) => [p.id, p.coverage]));
    expect(coverage).toEqual({
      team_offense_game_summary: {
        table: 'nba_analytics.team_offense_game_summary',
        dateColumn: 'game_date',
      },
      team_defense_game_summary: {
        table: 'nba_analytics.team_defense_game_summary',
        dateColumn: 'game_date',
      },
      player_game_summary: { table: 'nba_analytics.player_game_summary', dateColumn: 'game_date' },
      upcoming_player_game_context: {
        table: 'nba_analytics.upcoming_player_game_context',
        dateColumn: 'game_date',
      },
      upcoming_team_game_context: {
        table: 'nba_analytics.upcoming_team_game_context',
        dateColumn: 'game_date',
      },
      team_defense_zone_analysis: {
        table: 'nba_precompute.team_defense_zone_analysis',
        dateColumn: 'analysis_date',
      },
      player_shot_zone_analysis: {
        table: 'nba_precompute.player_shot_zone_analysis',
        dateColumn: 'analysis_date',
      },
      player_composite_factors: {
        table: 'nba_precompute.player_composite_factors',
        dateColumn: 'game_date',
      },
      player_daily_cache: { table: 'nba_precompute.player_daily_cache', dateColumn: 'cache_date' },
      ml_feature_store: { table: 'nba_predictions.ml_feature_store_v2', dateColumn: 'game_date' },
      player_prop_predictions: {
        table: 'nba_predictions.player_prop_predictions',
        dateColumn: 'game_date',
      },
      prediction_accuracy: {
        table: 'nba_predictions.prediction_accuracy',
        dateColumn: 'game_date',
      },
    });
  });

  it('reads BigQuery in nba-props-platform and expects the final games of the schedule', () => {
    expect(plan.warehouse).toMatchObject({
      kind: 'bigquery',
      projectId: 'nba-props-platform',
      location: 'us-west2',
      anonymous: false,
    });
    expect(plan.warehouse).not.toHaveProperty('apiEndpoint');
    const sql = plan.expected?.sql ?? '';
    expect(sql).toMatch(/\bFROM nba_reference\.nba_schedule\b/);
    expect(sql).toMatch(/\bgame_status = 3\b/);
    // Dates are bound as parameters, never written into the query.
    expect(sql).toMatch(/BETWEEN @start AND @end/);
    expect(sql).not.toMatch(/\d{4}-\d{2}-\d{2}/);
  });

  it('waits 30 s between SIGTERM and SIGKILL', () => {
    expect(plan.settings.stopGraceSeconds).toBe(30);
  });

  it('makes one task per processor and window, grouped by phase', () => {
    expect(plan.tasks).toHaveLength(3 * 12);
    expect(plan.tasks.map((t) => t.id)).toEqual(
      allIds.flatMap((id) => ['2021-22', '2022-23', '2023-24'].map((w) => `${id}@${w}`)),
    );
    expect([...new Set(plan.tasks.map((t) => t.phaseId))]).toEqual(['3', '4', '5', '5B']);
  });
});

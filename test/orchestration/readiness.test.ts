import { describe, expect, it } from 'vitest';
import { readinessOf } from '../../src/state/readiness.js';
import { createAppStore } from '../../src/state/store.js';
import type { AppStore } from '../../src/state/store.js';
import { TaskStatus } from '../../src/state/task-status.js';
import { covered, days, finishTask, orchestrationPlan, setCoverage } from './orchestration-plan.js';
import type { ProcessorInput } from './orchestration-plan.js';

const table = (id: string) => ({ table: `nba_precompute.${id}`, dateColumn: 'analysis_date' });

/**
 * player_game_summary → player_shot_zone_analysis (readyThreshold 95) ┐
 *                        team_defense_zone_analysis (plan threshold)  ┴→ player_composite_factors
 */
const storeFor = (
  options: { planThreshold?: number; shotZoneThreshold?: number } = {},
): AppStore => {
  const processors: ProcessorInput[] = [
    { id: 'player_game_summary', coverage: table('player_game_summary') },
    {
      id: 'player_shot_zone_analysis',
      phase: '4',
      dependsOn: ['player_game_summary'],
      readyThreshold: options.shotZoneThreshold ?? 95,
      coverage: table('player_shot_zone_analysis'),
    },
    { id: 'team_defense_zone_analysis', phase: '4', coverage: table('team_defense_zone_analysis') },
    {
      id: 'player_composite_factors',
      phase: '4',
      dependsOn: ['player_shot_zone_analysis', 'team_defense_zone_analysis'],
      coverage: table('player_composite_factors'),
    },
  ];
  const settings =
    options.planThreshold === undefined ? {} : { readyThreshold: options.planThreshold };
  return createAppStore(orchestrationPlan({ processors, settings }));
};

const expected44 = days('2023-04-15', 44);
const expected45 = days('2022-04-16', 45);
/** A cell of 2022-23 with `have` of its 44 expected dates. */
const of44 = (have: number) => covered(expected44, expected44.slice(have));
const of45 = (have: number) => covered(expected45, expected45.slice(have));

const composite22 = 'player_composite_factors@2022-23';

describe('readinessOf', () => {
  it('is ready for a processor with no dependencies, whatever its own state', () => {
    const store = storeFor();
    expect(readinessOf(store.getState(), 'player_game_summary@2021-22')).toEqual({ ready: true });
    expect(readinessOf(store.getState(), 'team_defense_zone_analysis@2022-23')).toEqual({
      ready: true,
    });
  });

  it('waits for an upstream below threshold, naming it, its window and covered/expected dates', () => {
    const store = storeFor();
    setCoverage(store, 'player_shot_zone_analysis@2022-23', of44(31));
    setCoverage(store, 'team_defense_zone_analysis@2022-23', of44(44));
    expect(readinessOf(store.getState(), composite22)).toEqual({
      ready: false,
      reason: 'waiting for player_shot_zone_analysis 2022-23: 31/44 dates',
      failedUpstream: false,
    });
  });

  it('names every upstream it waits for, and says "not run" when nothing is known', () => {
    const store = storeFor();
    setCoverage(store, 'player_shot_zone_analysis@2022-23', of44(31));
    expect(readinessOf(store.getState(), composite22)).toEqual({
      ready: false,
      reason:
        'waiting for player_shot_zone_analysis 2022-23: 31/44 dates; team_defense_zone_analysis 2022-23: not run',
      failedUpstream: false,
    });
  });

  it('is ready when the upstream succeeded in this console, even with its coverage incomplete', () => {
    const store = storeFor();
    setCoverage(store, 'player_game_summary@2021-22', of45(10));
    const before = readinessOf(store.getState(), 'player_shot_zone_analysis@2021-22');
    expect(before.ready).toBe(false);
    finishTask(store, 'player_game_summary@2021-22', { exitCode: 0 });
    expect(store.getState().tasks['player_game_summary@2021-22']?.status).toBe(
      TaskStatus.succeeded,
    );
    expect(readinessOf(store.getState(), 'player_shot_zone_analysis@2021-22')).toEqual({
      ready: true,
    });
  });

  it("is ready by coverage at the upstream processor's readyThreshold, and not below it", () => {
    const store = storeFor();
    setCoverage(store, 'team_defense_zone_analysis@2022-23', of44(44));
    // player_shot_zone_analysis has readyThreshold 95: 42/44 is 95.45 %, 41/44 is 93.2 %.
    setCoverage(store, 'player_shot_zone_analysis@2022-23', of44(41));
    expect(readinessOf(store.getState(), composite22)).toMatchObject({
      ready: false,
      reason: 'waiting for player_shot_zone_analysis 2022-23: 41/44 dates',
    });
    setCoverage(store, 'player_shot_zone_analysis@2022-23', of44(42));
    expect(readinessOf(store.getState(), composite22)).toEqual({ ready: true });
  });

  it('is ready at exactly the threshold: 19/20 at 95 %', () => {
    const store = storeFor();
    setCoverage(store, 'team_defense_zone_analysis@2022-23', of44(44));
    const twenty = days('2023-04-15', 20);
    setCoverage(store, 'player_shot_zone_analysis@2022-23', covered(twenty, twenty.slice(19)));
    expect(readinessOf(store.getState(), composite22)).toEqual({ ready: true });
    setCoverage(store, 'player_shot_zone_analysis@2022-23', covered(twenty, twenty.slice(18)));
    expect(readinessOf(store.getState(), composite22).ready).toBe(false);
  });

  it('is ready at exactly the threshold where the division is inexact: 58/100 at 58 %', () => {
    // 58 / 100 * 100 is 57.99999999999999 in floating point.
    const store = storeFor({ shotZoneThreshold: 58 });
    setCoverage(store, 'team_defense_zone_analysis@2022-23', of44(44));
    const hundred = days('2023-01-01', 100);
    setCoverage(store, 'player_shot_zone_analysis@2022-23', covered(hundred, hundred.slice(58)));
    expect(readinessOf(store.getState(), composite22)).toEqual({ ready: true });
  });

  it("uses the plan's readyThreshold (default 100) for an upstream without its own", () => {
    const strict = storeFor();
    setCoverage(strict, 'player_shot_zone_analysis@2022-23', of44(44));
    setCoverage(strict, 'team_defense_zone_analysis@2022-23', of44(43));
    expect(readinessOf(strict.getState(), composite22)).toMatchObject({
      ready: false,
      reason: 'waiting for team_defense_zone_analysis 2022-23: 43/44 dates',
    });

    const lenient = storeFor({ planThreshold: 90 });
    setCoverage(lenient, 'player_shot_zone_analysis@2022-23', of44(44));
    setCoverage(lenient, 'team_defense_zone_analysis@2022-23', of44(40)); // 90.9 %
    expect(readinessOf(lenient.getState(), composite22)).toEqual({ ready: true });
    setCoverage(lenient, 'team_defense_zone_analysis@2022-23', of44(39)); // 88.6 %
    expect(readinessOf(lenient.getState(), composite22).ready).toBe(false);
  });

  it('does not count a cell whose last query failed', () => {
    const store = storeFor();
    setCoverage(store, 'player_shot_zone_analysis@2022-23', of44(44));
    setCoverage(store, 'team_defense_zone_analysis@2022-23', of44(44));
    setCoverage(store, 'team_defense_zone_analysis@2022-23', {
      ok: false,
      error: 'coverage query failed: no such table',
      durationMs: 3,
    });
    const readiness = readinessOf(store.getState(), composite22);
    expect(readiness.ready).toBe(false);
    expect(readiness).toMatchObject({
      reason: expect.stringMatching(/^waiting for team_defense_zone_analysis 2022-23: /) as string,
    });
  });

  it('waits for a fresh coverage answer before judging an upstream that just ended', () => {
    const store = storeFor();
    // An answer to a question asked a minute before the upstream ended.
    setCoverage(store, 'player_game_summary@2021-22', of45(40), Date.now() - 60_000);
    finishTask(store, 'player_game_summary@2021-22', { exitCode: 1 }, {});
    expect(readinessOf(store.getState(), 'player_shot_zone_analysis@2021-22')).toEqual({
      ready: false,
      reason: 'waiting for player_game_summary 2021-22: checking its coverage',
      failedUpstream: false,
    });
  });

  describe('flags a failed upstream', () => {
    const cases = [
      { name: 'failed (exit 1)', exit: { exitCode: 1 }, progress: {}, status: TaskStatus.failed },
      {
        name: 'finished with failures (exit 0, failed dates)',
        exit: { exitCode: 0 },
        progress: { failed: 2, failedDates: ['2022-04-19', '2022-05-02'] },
        status: TaskStatus.withFailures,
      },
      { name: 'killed', exit: { signal: 'SIGTERM' }, progress: {}, status: TaskStatus.killed },
    ];
    for (const { name, exit, progress, status } of cases) {
      it(name, () => {
        const store = storeFor();
        finishTask(store, 'player_game_summary@2021-22', exit, progress);
        // Judged on the coverage asked after the upstream ended.
        setCoverage(store, 'player_game_summary@2021-22', of45(40));
        expect(store.getState().tasks['player_game_summary@2021-22']?.status).toBe(status);
        expect(readinessOf(store.getState(), 'player_shot_zone_analysis@2021-22')).toEqual({
          ready: false,
          reason: `waiting for player_game_summary 2021-22: 40/45 dates (${status})`,
          failedUpstream: true,
        });
      });
    }

    it('but not a running upstream, and not one whose coverage reached the threshold', () => {
      const store = storeFor();
      store.getState().taskStarting('player_game_summary@2021-22', '/tmp/pgs.log');
      store.getState().taskStarted('player_game_summary@2021-22', 4242, Date.now());
      expect(readinessOf(store.getState(), 'player_shot_zone_analysis@2021-22')).toEqual({
        ready: false,
        reason: 'waiting for player_game_summary 2021-22: running',
        failedUpstream: false,
      });
      store
        .getState()
        .taskExited('player_game_summary@2021-22', { exitCode: 1, endedAt: Date.now() });
      setCoverage(store, 'player_game_summary@2021-22', of45(45));
      expect(readinessOf(store.getState(), 'player_shot_zone_analysis@2021-22')).toEqual({
        ready: true,
      });
    });
  });

  it('judges each window by the same window of its upstreams only', () => {
    const store = storeFor();
    finishTask(store, 'player_game_summary@2021-22', { exitCode: 0 });
    finishTask(store, 'player_game_summary@2022-23', { exitCode: 1 });
    setCoverage(store, 'player_game_summary@2022-23', of44(12));
    expect(readinessOf(store.getState(), 'player_shot_zone_analysis@2021-22')).toEqual({
      ready: true,
    });
    expect(readinessOf(store.getState(), 'player_shot_zone_analysis@2022-23')).toEqual({
      ready: false,
      reason: 'waiting for player_game_summary 2022-23: 12/44 dates (failed)',
      failedUpstream: true,
    });

    // Complete coverage in one window does not make the other ready.
    setCoverage(store, 'player_shot_zone_analysis@2021-22', of45(45));
    setCoverage(store, 'team_defense_zone_analysis@2021-22', of45(45));
    expect(readinessOf(store.getState(), 'player_composite_factors@2021-22')).toEqual({
      ready: true,
    });
    expect(readinessOf(store.getState(), composite22).ready).toBe(false);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/index.js';
import { createCoveragePoller } from '../../src/runner/coverage/coverage-poller.js';
import { openPlanWarehouse } from '../../src/runner/coverage/open-plan-warehouse.js';
import { CheckState, checkState } from '../../src/state/checks-slice.js';
import { createAppStore } from '../../src/state/store.js';
import { coveragePlan } from './coverage-plans.js';
import { writeOutput } from './sqlite-seed.js';

const folders: string[] = [];
const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

// Graded predictions of the window: 5 rows.
const gradedDays = ['2022-04-16', '2022-04-16', '2022-04-17', '2022-04-19', '2022-04-20'];
const countGraded = 'SELECT COUNT(*) FROM nba_predictions.graded';

const setUp = (checks: Record<string, unknown>[]) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'checks-'));
  folders.push(dir);
  writeOutput(path.join(dir, 'warehouse'), 'nba_predictions', 'graded', gradedDays);
  const plan = coveragePlan({
    dir,
    windows: [{ id: 'w1', start: '2022-04-16', end: '2022-04-20' }],
    processors: [{ id: 'grading' }],
    checks,
  });
  const warehouse = openPlanWarehouse(plan);
  if (!warehouse) throw new Error('a plan with checks opens its warehouse');
  closers.push(() => warehouse.close());
  const store = createAppStore(plan);
  const poller = createCoveragePoller({ plan, store, warehouse });
  closers.push(() => poller.dispose());
  return { plan, store, poller };
};

describe('success checks', () => {
  it('run with the coverage refresh: in range passes, out of range fails, a broken query errs', async () => {
    const { plan, store, poller } = setUp([
      { id: 'in_range', title: 'Graded predictions', sql: countGraded, min: 4, max: 6 },
      { id: 'too_few', sql: countGraded, min: 100 },
      { id: 'broken', sql: 'SELECT COUNT(season_type) FROM nba_predictions.graded', max: 0 },
      {
        id: 'windowed',
        sql: 'SELECT COUNT(*) FROM nba_predictions.graded WHERE analysis_date BETWEEN @start AND @end',
        min: 5,
      },
      { id: 'empty', sql: 'SELECT NULL', min: 0 },
    ]);
    await poller.refreshAll();
    const { checks } = store.getState();
    expect(checks.in_range).toMatchObject({ value: 5, refreshing: false });
    expect(checks.too_few?.value).toBe(5);
    expect(checks.broken?.error).toMatch(/no such column: season_type/);
    expect(checks.windowed?.value).toBe(5);
    expect(checks.empty?.value).toBeNull();
    const states = Object.fromEntries(plan.checks.map((c) => [c.id, checkState(c, checks[c.id])]));
    expect(states).toEqual({
      in_range: CheckState.pass,
      too_few: CheckState.fail,
      broken: CheckState.error,
      windowed: CheckState.pass,
      // No number is not a pass.
      empty: CheckState.fail,
    });
  });

  it('refreshChecks runs the checks alone and sees new rows', async () => {
    const { store, poller } = setUp([{ id: 'graded', sql: countGraded, min: 6 }]);
    await poller.refreshChecks();
    expect(store.getState().checks.graded?.value).toBe(5);
    writeOutput(path.join(folders[0] ?? '', 'warehouse'), 'nba_predictions', 'graded', [
      '2022-04-20',
    ]);
    await poller.refreshChecks();
    expect(store.getState().checks.graded?.value).toBe(6);
  });

  it('must have a range, and unique ids', () => {
    const plan = (checks: unknown[]) =>
      parsePlan(
        JSON.stringify({
          version: 1,
          windows: [{ id: 'w1', start: '2022-04-16', end: '2022-04-20' }],
          phases: [{ id: '3' }],
          processors: [{ id: 'p', phase: '3', command: ['true'] }],
          checks,
        }),
        '/plans/backfill.yaml',
      );
    expect(() => plan([{ id: 'c', sql: 'SELECT 1' }])).toThrow(
      /checks\[0\]: give min, max or both/,
    );
    expect(() =>
      plan([
        { id: 'c', sql: 'SELECT 1', min: 1 },
        { id: 'c', sql: 'SELECT 2', min: 1 },
      ]),
    ).toThrow(/checks\[1\]\.id: duplicate id "c"/);
    expect(() => plan([{ id: 'c', sql: 'SELECT 1', min: 2, max: 1 }])).toThrow(
      /checks\[0\]\.max: min is above max/,
    );
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { createCoveragePoller } from '../../src/runner/coverage/coverage-poller.js';
import { openPlanWarehouse } from '../../src/runner/coverage/open-plan-warehouse.js';
import { planRun } from '../../src/runner/orchestration/run-planner.js';
import { createAppStore } from '../../src/state/store.js';
import { useBigQueryLoopback } from '../warehouse/bigquery-test-setup.js';
import type { LoopbackHandler } from '../support/bigquery-loopback.js';
import { coveragePlan } from './coverage-plans.js';
import type { ProcessorInput } from './coverage-plans.js';

const window = { id: 'w1', start: '2022-04-16', end: '2022-04-20' };
const games = ['2022-04-16', '2022-04-17', '2022-04-19', '2022-04-20'];
const expectedSql =
  'SELECT game_date, 2 * COUNT(*) FROM nba_raw.nbac_schedule WHERE game_date BETWEEN @start AND @end GROUP BY game_date';

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

describe('coverage through the BigQuery client (loopback server)', () => {
  const bq = useBigQueryLoopback();

  const setUp = (processors: ProcessorInput[], handler: LoopbackHandler, dataset?: string) => {
    bq.loopback.handle(handler);
    const plan = coveragePlan({
      dir: '/tmp/coverage-bigquery',
      windows: [window],
      expectedSql,
      processors,
      warehouse: {
        kind: 'bigquery',
        projectId: 'nba-props-platform',
        location: 'us-west2',
        apiEndpoint: bq.loopback.endpoint,
        anonymous: true,
        ...(dataset ? { dataset } : {}),
      },
    });
    const warehouse = openPlanWarehouse(plan);
    if (!warehouse) throw new Error('the plan declares coverage');
    closers.push(() => warehouse.close());
    const store = createAppStore(plan);
    const poller = createCoveragePoller({ plan, store, warehouse });
    closers.push(() => poller.dispose());
    return { plan, store, poller };
  };

  // Two team rows per game; 04-16 holds one game's rows, 04-19 one team short.
  const answer: LoopbackHandler = (query) => {
    if (query.query.includes('nbac_schedule')) {
      return { values: games, second: { type: 'INT64', values: ['2', '2', '2', '2'] } };
    }
    if (query.query.includes('not_built')) {
      return {
        error: {
          httpStatus: 404,
          reason: 'notFound',
          message: 'Not found: Table nba-props-platform:nba_precompute.not_built was not found',
        },
      };
    }
    return {
      values: ['2022-04-16', '2022-04-17', '2022-04-19'],
      second: { type: 'INT64', values: ['2', '2', '1'] },
    };
  };

  it('resolves a plain table name in warehouse.dataset and finds thin dates from the counts', async () => {
    const { store, poller } = setUp(
      [{ id: 'zones', coverage: { table: 'team_defense_zone_analysis', dateColumn: 'game_date' } }],
      answer,
      'nba_precompute',
    );
    await poller.refreshAll();
    expect(store.getState().coverage['zones@w1']).toMatchObject({
      covered: 2,
      expected: 4,
      missing: ['2022-04-20'],
      thin: [{ date: '2022-04-19', rows: 1, expected: 2 }],
    });
    const output = bq.loopback.requests.find((r) =>
      JSON.stringify(r.body).includes('team_defense_zone_analysis'),
    );
    expect(output?.body).toMatchObject({
      query:
        'SELECT game_date, COUNT(*) AS row_count FROM team_defense_zone_analysis WHERE game_date BETWEEN @start AND @end GROUP BY game_date',
      defaultDataset: { datasetId: 'nba_precompute' },
    });
  });

  it('counts a dotted name whose table is not found as missing, and fill gaps runs it', async () => {
    const { plan, store, poller } = setUp(
      [{ id: 'later', coverage: { table: 'nba_precompute.not_built', dateColumn: 'game_date' } }],
      answer,
    );
    await poller.refreshAll();
    expect(store.getState().coverage['later@w1']).toMatchObject({
      covered: 0,
      missing: games,
      note: 'table does not exist yet',
    });
    expect(planRun(plan, store.getState(), 'gaps').steps.map((s) => s.taskId)).toEqual([
      'later@w1',
    ]);
  });

  it('rejects a plain table name when the plan names no dataset', () => {
    expect(() =>
      setUp([{ id: 'zones', coverage: { table: 'zones', dateColumn: 'game_date' } }], answer),
    ).toThrow(/"zones" has no dataset: write dataset.table, or set warehouse.dataset/);
  });
});

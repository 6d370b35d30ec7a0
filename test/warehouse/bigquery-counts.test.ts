import { describe, expect, it } from 'vitest';
import { connectedHosts, useBigQueryLoopback } from './bigquery-test-setup.js';
import { april, rejectionOf } from './warehouse-helpers.js';

const countSql =
  'SELECT game_date, COUNT(*) AS row_count FROM team_defense_zone_analysis ' +
  'WHERE game_date BETWEEN @start AND @end GROUP BY game_date';

describe('bigquery warehouse: default dataset, row counts, checks, dry runs', () => {
  const bq = useBigQueryLoopback();

  it('sends warehouse.dataset as the default dataset, so plain table names resolve', async () => {
    bq.loopback.handle(() => ({ values: ['2022-04-16'] }));
    await bq.open({ dataset: 'nba_precompute' }).queryDates(countSql, april);
    expect(bq.loopback.requests[0]?.body).toMatchObject({
      defaultDataset: { projectId: 'nba-props-platform', datasetId: 'nba_precompute' },
    });
  });

  it('sends no default dataset when the plan names none', async () => {
    bq.loopback.handle(() => ({ values: [] }));
    await bq.open().queryDates(countSql, april);
    expect(bq.loopback.requests[0]?.body).not.toHaveProperty('defaultDataset');
  });

  it('reads the second column as the rows of each date, summed per day', async () => {
    bq.loopback.handle(() => ({
      values: ['2022-04-16', '2022-04-17', '2022-04-16'],
      second: { type: 'INT64', values: ['20', '18', '10'] },
    }));
    expect(await bq.open().queryDayRows(countSql, april)).toEqual([
      { day: '2022-04-16', rows: 30 },
      { day: '2022-04-17', rows: 18 },
    ]);
  });

  it('leaves the rows unknown for a result of dates only', async () => {
    bq.loopback.handle(() => ({ values: ['2022-04-16'] }));
    expect(await bq.open().queryDayRows(countSql, april)).toEqual([{ day: '2022-04-16' }]);
  });

  it('returns the one number of a check, binding only the parameters it names', async () => {
    bq.loopback.handle(() => ({ values: ['104233'], columnType: 'INT64' }));
    expect(
      await bq.open().queryNumber('SELECT COUNT(*) FROM nba_predictions.graded WHERE x', april),
    ).toBe(104233);
    const body = bq.loopback.requests[0]?.body as { queryParameters?: unknown[] };
    expect(body.queryParameters ?? []).toEqual([]);
  });

  it('dry-runs a query through jobs.insert and reports the bytes it would scan', async () => {
    bq.loopback.handle((query) => {
      expect(query.dryRun).toBe(true);
      return { values: [], bytesProcessed: 52_428_800 };
    });
    expect(await bq.open({ dataset: 'nba_precompute' }).inspect(countSql, april)).toEqual({
      bytes: 52_428_800,
    });
    const [insert] = bq.loopback.requests;
    expect(insert?.path).toMatch(/\/projects\/nba-props-platform\/jobs$/);
    expect(insert?.body).toMatchObject({
      configuration: {
        dryRun: true,
        query: {
          query: countSql,
          defaultDataset: { projectId: 'nba-props-platform', datasetId: 'nba_precompute' },
        },
      },
    });
    // A dry run is answered at once: no polling for results.
    expect(bq.loopback.requests).toHaveLength(1);
    expect(connectedHosts().every((host) => host === '127.0.0.1')).toBe(true);
  });

  it("rejects a dry run with BigQuery's message for an unknown column", async () => {
    bq.loopback.handle(() => ({
      error: {
        httpStatus: 400,
        reason: 'invalidQuery',
        message: 'Unrecognized name: season_type at [1:50]',
      },
    }));
    const error = await rejectionOf(bq.open().inspect(countSql, april));
    expect(error.kind).toBe('invalid-query');
    expect(error.message).toContain('Unrecognized name: season_type');
  });
});

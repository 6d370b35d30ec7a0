import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { seedDays, useSqliteWarehouses } from './sqlite-helpers.js';
import { april, rejectionOf, scheduleSql } from './warehouse-helpers.js';

describe('sqlite warehouse: dates in a range', () => {
  const warehouses = useSqliteWarehouses();
  const withSchedule = (days: string[]) => {
    const folder = warehouses.newFolder();
    seedDays(folder, 'nba_raw', 'nbac_schedule', days);
    return warehouses.open(folder);
  };

  it('returns every day of a fully covered range', async () => {
    const warehouse = withSchedule(['2022-04-16', '2022-04-17', '2022-04-18']);
    expect(await warehouse.queryDates(scheduleSql, april)).toEqual([
      '2022-04-16',
      '2022-04-17',
      '2022-04-18',
    ]);
  });

  it('returns only the days present in a partly covered range, distinct and sorted', async () => {
    const warehouse = withSchedule(['2022-04-18', '2022-04-16', '2022-04-18']);
    expect(await warehouse.queryDates(scheduleSql, april)).toEqual(['2022-04-16', '2022-04-18']);
  });

  it('returns no days when nothing falls in the range', async () => {
    const warehouse = withSchedule(['2021-01-01', '2023-01-01']);
    expect(await warehouse.queryDates(scheduleSql, april)).toEqual([]);
  });

  it('includes the days on @start and @end', async () => {
    const warehouse = withSchedule(['2022-04-16', '2022-04-18']);
    expect(
      await warehouse.queryDates(scheduleSql, { start: '2022-04-16', end: '2022-04-16' }),
    ).toEqual(['2022-04-16']);
    expect(await warehouse.queryDates(scheduleSql, april)).toEqual(['2022-04-16', '2022-04-18']);
  });

  it('excludes the days just outside the range', async () => {
    const warehouse = withSchedule(['2022-04-15', '2022-04-17', '2022-04-19']);
    expect(await warehouse.queryDates(scheduleSql, april)).toEqual(['2022-04-17']);
  });

  it('binds @start and @end to the first and last day of the range', async () => {
    const warehouse = withSchedule([]);
    expect(await warehouse.queryDates('SELECT @start UNION SELECT @end', april)).toEqual([
      '2022-04-16',
      '2022-04-18',
    ]);
  });

  it("cuts 'YYYY-MM-DD HH:MM:SS' values to the day", async () => {
    const warehouse = withSchedule([
      '2022-04-16 19:30:00',
      '2022-04-16 22:00:00',
      '2022-04-17 01:00:00',
    ]);
    expect(await warehouse.queryDates(scheduleSql, april)).toEqual(['2022-04-16', '2022-04-17']);
  });

  it('sees a dataset file created after the first query', async () => {
    const folder = warehouses.newFolder();
    seedDays(folder, 'nba_raw', 'nbac_schedule', ['2022-04-16']);
    const warehouse = warehouses.open(folder);
    expect(await warehouse.queryDates(scheduleSql, april)).toEqual(['2022-04-16']);
    seedDays(folder, 'nba_analytics', 'player_game_summary', ['2022-04-17']);
    const sql =
      'SELECT game_date FROM nba_analytics.player_game_summary WHERE game_date BETWEEN @start AND @end';
    expect(await warehouse.queryDates(sql, april)).toEqual(['2022-04-17']);
  });

  it('reads a dataset file that was deleted and written again', async () => {
    const folder = warehouses.newFolder();
    seedDays(folder, 'nba_raw', 'nbac_schedule', ['2022-04-16']);
    const warehouse = warehouses.open(folder);
    expect(await warehouse.queryDates(scheduleSql, april)).toEqual(['2022-04-16']);
    for (const suffix of ['', '-wal', '-shm'])
      rmSync(`${folder}/nba_raw.sqlite${suffix}`, { force: true });
    seedDays(folder, 'nba_raw', 'nbac_schedule', ['2022-04-18']);
    expect(await warehouse.queryDates(scheduleSql, april)).toEqual(['2022-04-18']);
  });

  it('queries more datasets than SQLite can attach at once (10)', async () => {
    const folder = warehouses.newFolder();
    const datasets = Array.from({ length: 12 }, (_, i) => `dataset_${i}`);
    datasets.forEach((dataset, i) => seedDays(folder, dataset, 'games', [`2022-04-${10 + i}`]));
    const warehouse = warehouses.open(folder);
    const found: string[] = [];
    for (const dataset of datasets) {
      found.push(...(await warehouse.queryDates(`SELECT game_date FROM ${dataset}.games`, april)));
    }
    expect(found).toHaveLength(12);
    expect(found[11]).toBe('2022-04-21');
  });

  it('names itself by kind and folder', () => {
    const folder = warehouses.newFolder();
    const warehouse = warehouses.open(folder);
    expect(warehouse.kind).toBe('sqlite');
    expect(warehouse.description).toBe(`sqlite ${folder}`);
  });
});

describe('sqlite warehouse: errors', () => {
  const warehouses = useSqliteWarehouses();

  it("rejects a table that does not exist with SQLite's message, as not-found", async () => {
    const folder = warehouses.newFolder();
    seedDays(folder, 'nba_raw', 'other_table', []);
    const error = await rejectionOf(warehouses.open(folder).queryDates(scheduleSql, april));
    expect(error).toMatchObject({
      kind: 'not-found',
      message: 'no such table: nba_raw.nbac_schedule',
    });
  });

  it('rejects a dataset with no file as not-found', async () => {
    const folder = warehouses.newFolder();
    const error = await rejectionOf(warehouses.open(folder).queryDates(scheduleSql, april));
    expect(error).toMatchObject({
      kind: 'not-found',
      message: 'no such table: nba_raw.nbac_schedule',
    });
  });

  it('rejects a missing warehouse folder as not-found, naming the folder', async () => {
    const folder = `${warehouses.newFolder()}/not-there`;
    const error = await rejectionOf(warehouses.open(folder).queryDates(scheduleSql, april));
    expect(error.kind).toBe('not-found');
    expect(error.message).toContain(folder);
  });

  it('rejects a first column that is not a date as shape', async () => {
    const folder = warehouses.newFolder();
    const error = await rejectionOf(warehouses.open(folder).queryDates('SELECT 42', april));
    expect(error).toMatchObject({
      kind: 'shape',
      message: 'expected a date in the first column, got 42',
    });
  });

  it('rejects bad SQL as invalid-query', async () => {
    const folder = warehouses.newFolder();
    const error = await rejectionOf(warehouses.open(folder).queryDates('SELEC game_date', april));
    expect(error).toMatchObject({ kind: 'invalid-query', message: 'near "SELEC": syntax error' });
  });

  it('rejects a range that is not YYYY-MM-DD before querying', async () => {
    const folder = warehouses.newFolder();
    const error = await rejectionOf(
      warehouses
        .open(folder)
        .queryDates('SELECT @start', { start: '2022-4-16', end: '2022-04-18' }),
    );
    expect(error).toMatchObject({
      kind: 'invalid-query',
      message: 'range start must be YYYY-MM-DD, got "2022-4-16"',
    });
  });

  it('never writes: a DELETE is refused and the rows stay', async () => {
    const folder = warehouses.newFolder();
    seedDays(folder, 'nba_raw', 'nbac_schedule', ['2022-04-16']);
    const warehouse = warehouses.open(folder);
    const error = await rejectionOf(
      warehouse.queryDates('DELETE FROM nba_raw.nbac_schedule RETURNING game_date', april),
    );
    expect(error.kind).toBe('permission');
    expect(await warehouse.queryDates(scheduleSql, april)).toEqual(['2022-04-16']);
  });

  it('rejects queries after close', async () => {
    const warehouse = warehouses.open(warehouses.newFolder());
    await warehouse.close();
    const error = await rejectionOf(warehouse.queryDates('SELECT @start', april));
    expect(error.kind).toBe('other');
  });
});

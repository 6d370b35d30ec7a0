import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { isMissingTable } from '../../src/warehouse/warehouse.js';
import { seedDays, useSqliteWarehouses } from './sqlite-helpers.js';
import { april, rejectionOf } from './warehouse-helpers.js';

/** One database file with plain tables, as most users of an embedded warehouse have. */
const writeOneFile = (file: string) => {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE t_partial (d TEXT, team TEXT)');
    const insert = db.prepare('INSERT INTO t_partial VALUES (?, ?)');
    for (let i = 0; i < 30; i++) insert.run('2022-04-16', `team${i}`);
    for (let i = 0; i < 18; i++) insert.run('2022-04-18', `team${i}`);
  } finally {
    db.close();
  }
};

const countSql = (table: string) =>
  `SELECT d, COUNT(*) AS row_count FROM ${table} WHERE d BETWEEN @start AND @end GROUP BY d`;

describe('sqlite warehouse: one database file', () => {
  const warehouses = useSqliteWarehouses();
  const openFile = (file: string) => warehouses.open(file, 'file');
  const setUp = () => {
    const file = path.join(warehouses.newFolder(), 'wh.sqlite');
    writeOneFile(file);
    return { file, warehouse: openFile(file) };
  };

  it('reads plain table names, and main.table, with per-date row counts', async () => {
    const { warehouse } = setUp();
    const expected = [
      { day: '2022-04-16', rows: 30 },
      { day: '2022-04-18', rows: 18 },
    ];
    expect(await warehouse.queryDayRows(countSql('t_partial'), april)).toEqual(expected);
    expect(await warehouse.queryDayRows(countSql('main.t_partial'), april)).toEqual(expected);
    expect(warehouse.description).toMatch(/\(one file\)$/);
  });

  it('says a table is missing, in words isMissingTable recognises', async () => {
    const { warehouse } = setUp();
    const error = await rejectionOf(warehouse.queryDates(countSql('t_later'), april));
    expect(error.message).toContain('no such table: t_later');
    expect(isMissingTable(error)).toBe(true);
  });

  it('names the file when it does not exist, which is not a missing table', async () => {
    const file = path.join(warehouses.newFolder(), 'nowhere.sqlite');
    const warehouse = openFile(file);
    const error = await rejectionOf(warehouse.queryDates(countSql('t_partial'), april));
    expect(error.kind).toBe('not-found');
    expect(error.message).toContain(file);
    expect(isMissingTable(error)).toBe(false);
    // Created after the console started (a processor's first run): read from then on.
    writeOneFile(file);
    expect(await warehouse.queryDates(countSql('t_partial'), april)).toEqual([
      '2022-04-16',
      '2022-04-18',
    ]);
  });

  it('prepares a statement without running it: an unknown column is an error', async () => {
    const { warehouse } = setUp();
    expect(await warehouse.inspect(countSql('t_partial'), april)).toEqual({});
    const error = await rejectionOf(
      warehouse.inspect('SELECT season_type FROM t_partial WHERE d = @start', april),
    );
    expect(error.kind).toBe('invalid-query');
    expect(error.message).toContain('no such column: season_type');
  });
});

describe('sqlite warehouse: a folder of dataset files', () => {
  const warehouses = useSqliteWarehouses();

  it('reads dataset.table with row counts, and a check number without date parameters', async () => {
    const folder = warehouses.newFolder();
    seedDays(folder, 'nba_precompute', 'zones', ['2022-04-16', '2022-04-16', '2022-04-17']);
    const warehouse = warehouses.open(folder);
    expect(
      await warehouse.queryDayRows(
        'SELECT game_date, COUNT(*) FROM nba_precompute.zones WHERE game_date BETWEEN @start AND @end GROUP BY game_date',
        april,
      ),
    ).toEqual([
      { day: '2022-04-16', rows: 2 },
      { day: '2022-04-17', rows: 1 },
    ]);
    expect(await warehouse.queryNumber('SELECT COUNT(*) FROM nba_precompute.zones', {})).toBe(3);
    expect(
      await warehouse.queryNumber(
        'SELECT COUNT(*) FROM nba_precompute.zones WHERE game_date = @start',
        april,
      ),
    ).toBe(2);
    expect(await warehouse.queryNumber('SELECT NULL', {})).toBeNull();
  });

  it('counts a dataset file that does not exist yet as a missing table', async () => {
    const folder = warehouses.newFolder();
    seedDays(folder, 'nba_raw', 'schedule', ['2022-04-16']);
    const error = await rejectionOf(
      warehouses
        .open(folder)
        .queryDates('SELECT game_date FROM nba_later.zones WHERE game_date >= @start', april),
    );
    expect(isMissingTable(error)).toBe(true);
  });
});

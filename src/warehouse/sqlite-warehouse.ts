/**
 * SQLite warehouse, in one of two layouts. `folder`: every dataset is one file in it,
 * `<folder>/<dataset>.sqlite`, ATTACHed under the dataset's name. Plan SQL written for BigQuery,
 *   SELECT DISTINCT game_date FROM nba_raw.nbac_schedule WHERE game_date BETWEEN @start AND @end
 * then runs unchanged: `nba_raw.nbac_schedule` is table `nbac_schedule` in `nba_raw.sqlite`.
 * `file`: one database file, plain table names (`main.table` too).
 * Dates are TEXT 'YYYY-MM-DD' (or 'YYYY-MM-DD HH:MM:SS'), so BETWEEN compares them as text.
 *
 * Writers (processors, tests) own the files and set WAL; the reader only reads, in a separate
 * process, and waits out short write locks with busy_timeout.
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type Database from 'better-sqlite3';
import {
  checkDateRange,
  collectDayRows,
  collectDays,
  namedParams,
  singleNumber,
} from './date-values.js';
import { createSqliteReader } from './sqlite-reader-process.js';
import type { DateRange, Warehouse } from './warehouse.js';

/** How long a reader or writer waits for another process's lock before SQLITE_BUSY. */
export const sqliteBusyTimeoutMs = 5000;

/** @default 30 s */
export const defaultQueryTimeoutMs = 30_000;

export const openSqliteWarehouse = (
  location: string,
  layout: 'folder' | 'file' = 'folder',
): Warehouse => {
  const absolute = path.resolve(location);
  const reader = createSqliteReader(absolute, layout, sqliteBusyTimeoutMs);
  const rowsOf = async (sql: string, range: DateRange, timeoutMs: number | undefined) => {
    checkDateRange(range);
    const result = await reader.query(
      sql,
      { start: range.start, end: range.end },
      timeoutMs ?? defaultQueryTimeoutMs,
    );
    return result.rows;
  };
  const partial = (sql: string, range: Partial<DateRange>) => {
    const params = namedParams(sql, range);
    checkDateRange({ start: '2000-01-01', end: '2000-01-01', ...params });
    return params as Record<string, string>;
  };
  return {
    kind: 'sqlite',
    description: `sqlite ${displayPath(absolute)}${layout === 'file' ? ' (one file)' : ''}`,
    queryDates: async (sql, range, options) =>
      collectDays((await rowsOf(sql, range, options?.timeoutMs)).map((row) => row[0])),
    queryDayRows: async (sql, range, options) =>
      collectDayRows(await rowsOf(sql, range, options?.timeoutMs)),
    queryNumber: async (sql, range, options) => {
      const result = await reader.query(
        sql,
        partial(sql, range),
        options?.timeoutMs ?? defaultQueryTimeoutMs,
      );
      return singleNumber(result.rows);
    },
    inspect: async (sql, range, options) => {
      await reader.query(
        sql,
        partial(sql, range),
        options?.timeoutMs ?? defaultQueryTimeoutMs,
        true,
      );
      return {};
    },
    close: () => reader.close(),
  };
};

/**
 * Opens (creating if needed) `<folder>/<dataset>.sqlite` for writing, in WAL mode so the console
 * can read while a processor writes. The caller closes it.
 */
export const openSqliteDatasetForWrite = (folder: string, dataset: string): Database.Database => {
  // Required here, not imported: the console only reads, through its reader process, and
  // must not load the native module at start-up for this writer's sake.
  const BetterSqlite3 = createRequire(import.meta.url)('better-sqlite3') as typeof Database;
  mkdirSync(folder, { recursive: true });
  const db = new BetterSqlite3(path.join(folder, `${dataset}.sqlite`));
  db.pragma(`busy_timeout = ${sqliteBusyTimeoutMs}`);
  db.pragma('journal_mode = WAL');
  return db;
};

// "./warehouse" reads better in a status line than a long absolute path under the working folder.
const displayPath = (absolute: string): string => {
  const relative = path.relative(process.cwd(), absolute);
  if (relative === '') return '.';
  if (relative.startsWith('..') || path.isAbsolute(relative)) return absolute;
  return `.${path.sep}${relative}`;
};

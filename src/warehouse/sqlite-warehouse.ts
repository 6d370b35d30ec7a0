/**
 * SQLite warehouse. Convention: `path` is a FOLDER and every dataset is one file in it,
 * `<folder>/<dataset>.sqlite`, ATTACHed under the dataset's name. Plan SQL written for BigQuery,
 *   SELECT DISTINCT game_date FROM nba_raw.nbac_schedule WHERE game_date BETWEEN @start AND @end
 * then runs unchanged: `nba_raw.nbac_schedule` is table `nbac_schedule` in `nba_raw.sqlite`.
 * Dates are TEXT 'YYYY-MM-DD' (or 'YYYY-MM-DD HH:MM:SS'), so BETWEEN compares them as text.
 *
 * Writers (processors, tests) own the files and set WAL; the reader only reads, in a separate
 * process, and waits out short write locks with busy_timeout.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { checkDateRange, collectDays } from './date-values.js';
import { createSqliteReader } from './sqlite-reader-process.js';
import type { Warehouse } from './warehouse.js';

/** How long a reader or writer waits for another process's lock before SQLITE_BUSY. */
export const sqliteBusyTimeoutMs = 5000;

/** @default 30 s */
export const defaultQueryTimeoutMs = 30_000;

export const openSqliteWarehouse = (folder: string): Warehouse => {
  const absolute = path.resolve(folder);
  const reader = createSqliteReader(absolute, sqliteBusyTimeoutMs);
  return {
    kind: 'sqlite',
    description: `sqlite ${displayPath(absolute)}`,
    queryDates: async (sql, range, options) => {
      checkDateRange(range);
      const values = await reader.query(
        sql,
        { start: range.start, end: range.end },
        options?.timeoutMs ?? defaultQueryTimeoutMs,
      );
      return collectDays(values);
    },
    close: () => reader.close(),
  };
};

/**
 * Opens (creating if needed) `<folder>/<dataset>.sqlite` for writing, in WAL mode so the console
 * can read while a processor writes. The caller closes it.
 */
export const openSqliteDatasetForWrite = (folder: string, dataset: string): Database.Database => {
  mkdirSync(folder, { recursive: true });
  const db = new Database(path.join(folder, `${dataset}.sqlite`));
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

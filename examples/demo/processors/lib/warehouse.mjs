// The demo warehouse: a folder with one SQLite file per BigQuery dataset
// (<folder>/nba_raw.sqlite, ...). A connection ATTACHes each file under its dataset name, so
// `nba_raw.nbac_schedule` reads the same here as in BigQuery and in the console.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { buildSchedule } from './schedule.mjs';
import { DATASETS, SCHEDULE_TABLE, TABLES, createTableSql } from './tables.mjs';

/** Writers wait up to 5 s for another writer's lock; several processors write at once. */
const BUSY_TIMEOUT_MS = 5000;

/** `DEMO_WAREHOUSE` (tests point it at a temporary folder), else examples/demo/warehouse. */
export const warehouseDir = () =>
  path.resolve(
    process.env.DEMO_WAREHOUSE ??
      path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'warehouse'),
  );

const datasetFile = (dir, dataset) => path.join(dir, `${dataset}.sqlite`);

/**
 * Creates nba_raw.nbac_schedule and fills it with the demo schedule when it is empty, or
 * always with `replace`. Runs in one IMMEDIATE transaction on its own connection, so
 * processors starting together on a fresh machine seed it exactly once.
 */
export const seedSchedule = (dir = warehouseDir(), { replace = false } = {}) => {
  mkdirSync(dir, { recursive: true });
  const db = new Database(datasetFile(dir, 'nba_raw'), { timeout: BUSY_TIMEOUT_MS });
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma('journal_mode = WAL');
    db.exec(`CREATE TABLE IF NOT EXISTS nbac_schedule (${TABLES[SCHEDULE_TABLE].columns});
      CREATE INDEX IF NOT EXISTS nbac_schedule_game_date ON nbac_schedule (game_date);`);
    const fill = db.transaction(() => {
      const { n } = db.prepare('SELECT COUNT(*) AS n FROM nbac_schedule').get();
      if (n > 0 && !replace) return 0;
      db.prepare('DELETE FROM nbac_schedule').run();
      const insert = db.prepare(
        'INSERT INTO nbac_schedule (game_date, game_id, home, away, game_status) VALUES (@game_date, @game_id, @home, @away, @game_status)',
      );
      const games = buildSchedule();
      for (const g of games) insert.run(g);
      return games.length;
    });
    return fill.immediate();
  } finally {
    db.close();
  }
};

/**
 * Opens the warehouse the way a processor sees BigQuery: every dataset attached, every
 * table present (created empty when missing), the schedule seeded when missing.
 */
export const openWarehouse = (dir = warehouseDir()) => {
  seedSchedule(dir);
  const db = new Database(':memory:', { timeout: BUSY_TIMEOUT_MS });
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  for (const dataset of DATASETS) {
    db.prepare(`ATTACH DATABASE ? AS ${dataset}`).run(datasetFile(dir, dataset));
    db.pragma(`${dataset}.journal_mode = WAL`);
  }
  for (const key of Object.keys(TABLES)) db.exec(createTableSql(key));
  return db;
};

/** Final game dates between start and end (inclusive), ascending: the "expected" dates. */
export const gameDatesBetween = (db, start, end) =>
  db
    .prepare(
      `SELECT DISTINCT game_date FROM ${SCHEDULE_TABLE} WHERE game_status = 3 AND game_date BETWEEN ? AND ? ORDER BY game_date`,
    )
    .pluck()
    .all(start, end);

/** The final games of one date. */
export const gamesOn = (db, date) =>
  db
    .prepare(
      `SELECT game_id, home, away FROM ${SCHEDULE_TABLE} WHERE game_status = 3 AND game_date = ? ORDER BY game_id`,
    )
    .all(date);

/** Dates between start and end that have at least one row in `key`. */
export const datesWithRows = (db, key, start, end) => {
  const { dateColumn } = TABLES[key];
  return new Set(
    db
      .prepare(`SELECT DISTINCT ${dateColumn} FROM ${key} WHERE ${dateColumn} BETWEEN ? AND ?`)
      .pluck()
      .all(start, end),
  );
};

export const rowsOn = (db, key, date) => {
  const { dateColumn } = TABLES[key];
  return db.prepare(`SELECT * FROM ${key} WHERE ${dateColumn} = ?`).all(date);
};

export const countOn = (db, key, date) => {
  const { dateColumn } = TABLES[key];
  return db.prepare(`SELECT COUNT(*) FROM ${key} WHERE ${dateColumn} = ?`).pluck().get(date);
};

/**
 * Replaces one date's rows in one transaction (an idempotent re-run, like the real MERGE).
 * The transaction starts with the DELETE, so the write lock is taken at once and waits on
 * busy_timeout instead of failing on a stale read snapshot.
 */
export const replaceDate = (db, key, date, rows) => {
  const { dateColumn } = TABLES[key];
  const write = db.transaction(() => {
    db.prepare(`DELETE FROM ${key} WHERE ${dateColumn} = ?`).run(date);
    if (rows.length === 0) return;
    const names = Object.keys(rows[0]);
    const insert = db.prepare(
      `INSERT INTO ${key} (${names.join(', ')}) VALUES (${names.map((n) => `@${n}`).join(', ')})`,
    );
    for (const row of rows) insert.run(row);
  });
  write();
  return rows.length;
};

import { openSqliteDatasetForWrite } from '../../src/warehouse/sqlite-warehouse.js';

/** game_status 3 is a final game; 5 a postponed one that a plan's expected query leaves out. */
export const finalGame = 3;
export const postponedGame = 5;

/** `nba_raw.nbac_schedule(game_date TEXT, game_status INTEGER)` in `<folder>/nba_raw.sqlite`. */
export const writeSchedule = (folder: string, games: [date: string, status: number][]): void => {
  const db = openSqliteDatasetForWrite(folder, 'nba_raw');
  try {
    db.exec('CREATE TABLE IF NOT EXISTS nbac_schedule (game_date TEXT, game_status INTEGER)');
    const insert = db.prepare('INSERT INTO nbac_schedule (game_date, game_status) VALUES (?, ?)');
    db.transaction(() => games.forEach(([date, status]) => insert.run(date, status)))();
  } finally {
    db.close();
  }
};

/** `<dataset>.<table>(analysis_date TEXT)` holding `dates`; created even when `dates` is empty. */
export const writeOutput = (
  folder: string,
  dataset: string,
  table: string,
  dates: readonly string[],
): void => {
  const db = openSqliteDatasetForWrite(folder, dataset);
  try {
    db.exec(`CREATE TABLE IF NOT EXISTS ${table} (analysis_date TEXT)`);
    const insert = db.prepare(`INSERT INTO ${table} (analysis_date) VALUES (?)`);
    db.transaction(() => dates.forEach((date) => insert.run(date)))();
  } finally {
    db.close();
  }
};

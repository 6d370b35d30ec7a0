import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import {
  openSqliteDatasetForWrite,
  openSqliteWarehouse,
} from '../../src/warehouse/sqlite-warehouse.js';
import type { Warehouse } from '../../src/warehouse/warehouse.js';

/** A fresh warehouse folder and warehouse per test; both are removed after the test. */
export const useSqliteWarehouses = () => {
  const opened: Warehouse[] = [];
  const folders: string[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((w) => w.close()));
    for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  });
  return {
    newFolder: (): string => {
      const folder = mkdtempSync(path.join(tmpdir(), 'warehouse-test-'));
      folders.push(folder);
      return folder;
    },
    open: (location: string, layout: 'folder' | 'file' = 'folder'): Warehouse => {
      const warehouse = openSqliteWarehouse(location, layout);
      opened.push(warehouse);
      return warehouse;
    },
  };
};

/** Writes `days` into `<folder>/<dataset>.sqlite`, table `table` (column game_date TEXT). */
export const seedDays = (folder: string, dataset: string, table: string, days: string[]): void => {
  const db = openSqliteDatasetForWrite(folder, dataset);
  try {
    db.exec(`CREATE TABLE IF NOT EXISTS ${table} (game_date TEXT NOT NULL)`);
    const insert = db.prepare(`INSERT INTO ${table} (game_date) VALUES (?)`);
    db.transaction(() => days.forEach((day) => insert.run(day)))();
  } finally {
    db.close();
  }
};

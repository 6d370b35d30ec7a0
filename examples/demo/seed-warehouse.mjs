#!/usr/bin/env node
// Creates the demo warehouse (examples/demo/warehouse/, or $DEMO_WAREHOUSE): one SQLite file
// per dataset, every table the demo processors write (empty), and nba_raw.nbac_schedule with
// the three playoff windows. Idempotent: re-running rewrites the same schedule and keeps
// processed data. `--reset` deletes the whole warehouse first (data and demo attempt
// counts), so the scripted first-attempt failures happen again.
//
//   node examples/demo/seed-warehouse.mjs [--reset]
import { rmSync } from 'node:fs';
import { WINDOWS } from './processors/lib/schedule.mjs';
import {
  gameDatesBetween,
  openWarehouse,
  seedSchedule,
  warehouseDir,
} from './processors/lib/warehouse.mjs';

const argv = process.argv.slice(2);
const unknown = argv.filter((a) => a !== '--reset');
if (unknown.length > 0) {
  process.stderr.write(
    `usage: seed-warehouse.mjs [--reset]\nseed-warehouse.mjs: error: unrecognized arguments: ${unknown.join(' ')}\n`,
  );
  process.exit(2);
}

const dir = warehouseDir();
if (argv.includes('--reset')) rmSync(dir, { recursive: true, force: true });
const games = seedSchedule(dir, { replace: true });
const db = openWarehouse(dir);
try {
  console.log(`Warehouse: ${dir}`);
  console.log(`nba_raw.nbac_schedule: ${games} games`);
  for (const w of WINDOWS) {
    console.log(
      `  ${w.id}  ${w.start} .. ${w.end}  ${gameDatesBetween(db, w.start, w.end).length} game dates`,
    );
  }
} finally {
  db.close();
}

// The checkpoint file the real scripts keep (shared/backfill/checkpoint.py): written after
// every date, atomically (temp file + rename), so killing a run is safe. The demo writes it
// but never resumes from it: every run starts at the window's first date.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { print } from './output.mjs';

export const createCheckpoint = (job, start, end) => {
  const file = path.join(tmpdir(), 'backfill_checkpoints', `${job}_${start}_${end}.json`);
  const state = {
    job_name: job,
    start_date: start,
    end_date: end,
    last_successful_date: null,
    successful_dates: [],
    failed_dates: [],
    skipped_dates: [],
    stats: { total_days: 0, processed: 0, successful: 0, failed: 0, skipped: 0 },
    created_at: new Date().toISOString(),
    updated_at: null,
  };
  const save = () => {
    state.updated_at = new Date().toISOString();
    mkdirSync(path.dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(state, null, 2));
    renameSync(temporary, file);
  };
  const mark = (list, counter, date, extra) => {
    state[list].push(extra ? { date, ...extra } : date);
    state.stats.processed += 1;
    state.stats[counter] += 1;
    if (counter === 'successful') state.last_successful_date = date;
    save();
  };
  return {
    path: file,
    exists: () => existsSync(file),
    clear: () => rmSync(file, { force: true }),
    setTotal: (total) => {
      state.stats.total_days = total;
    },
    markComplete: (date) => mark('successful_dates', 'successful', date),
    markFailed: (date, error = 'Processing failed') =>
      mark('failed_dates', 'failed', date, { error }),
    markSkipped: (date, reason) =>
      mark('skipped_dates', 'skipped', date, reason ? { reason } : undefined),
    summary: () => ({ ...state.stats }),
    /** `--status`: the real scripts print() this to stdout; no checkpoint is not an error. */
    printStatus: () => {
      if (!existsSync(file)) {
        print(`No checkpoint. Would be: ${file}`);
        return;
      }
      const saved = JSON.parse(readFileSync(file, 'utf8'));
      const stats = saved.stats ?? {};
      print('='.repeat(60));
      print(`CHECKPOINT STATUS: ${job}`);
      print('='.repeat(60));
      print(`  Date range: ${start} to ${end}`);
      print(`  Last successful: ${saved.last_successful_date ?? 'None'}`);
      print(`  Processed: ${stats.processed ?? 0}/${stats.total_days ?? 0}`);
      print(
        `  Successful: ${stats.successful ?? 0} | Failed: ${stats.failed ?? 0} | Skipped: ${stats.skipped ?? 0}`,
      );
      const failed = (saved.failed_dates ?? []).map((f) => f.date ?? f);
      if (failed.length > 0) print(`  Failed dates: ${failed.join(', ')}`);
      print(`  Checkpoint file: ${file}`);
      print('='.repeat(60));
    },
  };
};

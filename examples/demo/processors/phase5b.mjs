#!/usr/bin/env node
// Simulates backfill_jobs/grading/prediction_accuracy/prediction_accuracy_grading_backfill.py
// (Phase 5B): grades only the game dates that HAVE predictions, so a date Phase 5 missed is
// silently absent here: no failure line, just a coverage gap. Exit 0.
//
//   node phase5b.mjs --start-date 2022-04-16 --end-date 2022-06-17
import { PRECOMPUTE_OPTIONS, parseArgs, today } from './lib/args.mjs';
import { createCheckpoint } from './lib/checkpoint.mjs';
import { between, nowIso, rng, round } from './lib/fake.mjs';
import { datesOrExit, pyDict, rangeOrDie } from './lib/job.mjs';
import { createLogger } from './lib/output.mjs';
import { elapsedSince, workFor } from './lib/pace.mjs';
import { isBootstrapDate } from './lib/schedule.mjs';
import { openWarehouse, replaceDate, rowsOn } from './lib/warehouse.mjs';

const SCRIPT = 'backfill_jobs/grading/prediction_accuracy/prediction_accuracy_grading_backfill.py';
const TABLE = 'nba_predictions.prediction_accuracy';
const PREDICTIONS = 'nba_predictions.player_prop_predictions';

const args = parseArgs(process.argv.slice(2), {
  prog: 'prediction_accuracy_grading_backfill.py',
  description: 'Phase 5B Grading Backfill - Grade predictions against actual results',
  epilog: 'NOTE: Requires Phase 5A predictions to exist',
  options: PRECOMPUTE_OPTIONS,
});
const log = createLogger('time');
const db = openWarehouse();

const coverage = (start, end) =>
  db
    .prepare(
      `SELECT COUNT(DISTINCT game_date) AS dates_with_predictions, COUNT(*) AS total_predictions,
        COUNT(DISTINCT player_lookup) AS unique_players, MIN(game_date) AS first_date, MAX(game_date) AS last_date
       FROM ${PREDICTIONS} WHERE game_date >= ? AND game_date <= ?`,
    )
    .get(start, end);

const datesWithPredictions = (start, end) =>
  db
    .prepare(
      `SELECT DISTINCT game_date FROM ${PREDICTIONS} WHERE game_date >= ? AND game_date <= ? ORDER BY game_date`,
    )
    .pluck()
    .all(start, end);

const actualPoints = db
  .prepare(
    'SELECT points FROM nba_analytics.player_game_summary WHERE game_date = ? AND player_lookup = ?',
  )
  .pluck();

const gradeDate = async (date, dryRun) => {
  const predictions = rowsOn(db, PREDICTIONS, date);
  if (predictions.length === 0) return { status: 'no_predictions' };
  const graded = predictions
    .map((p) => ({ p, actual: actualPoints.get(date, p.player_lookup) }))
    .filter(({ actual }) => actual !== undefined && actual !== null);
  if (graded.length === 0) return { status: 'no_actuals' };
  if (dryRun) {
    await workFor(0.3);
    return { status: 'dry_run_complete', predictions: predictions.length, actuals: graded.length };
  }
  const startedAt = Date.now();
  await workFor(1);
  const rows = graded.map(({ p, actual }) => ({
    game_date: date,
    player_lookup: p.player_lookup,
    system_id: p.system_id,
    predicted_points: p.predicted_points,
    actual_points: actual,
    line_value: p.current_points_line,
    absolute_error: round(Math.abs(p.predicted_points - actual), 2),
    signed_error: round(p.predicted_points - actual, 2),
    prediction_correct:
      p.recommendation === 'PASS'
        ? null
        : Number(actual > p.current_points_line === (p.recommendation === 'OVER')),
    graded_at: nowIso(),
  }));
  replaceDate(db, TABLE, date, rows);
  const random = rng(`grading:${date}`);
  return {
    status: 'success',
    graded: rows.length,
    mae: round(between(random, 4.2, 6.1), 2),
    bias: round(between(random, -0.9, 0.7), 2),
    elapsed: elapsedSince(startedAt),
  };
};

const runBackfill = async (start, end, dryRun, checkpoint) => {
  log.info(`Starting Phase 5B grading backfill from ${start} to ${end}`);
  if (start > end) return log.error('Start date must be before end date');
  if (end > today()) return log.error('End date cannot be in the future');
  log.info('Checking predictions coverage...');
  const found = coverage(start, end);
  log.info(
    `Found ${found.dates_with_predictions} dates with ${found.total_predictions} predictions`,
  );
  log.info('Fetching game dates with predictions...');
  const gameDates = datesWithPredictions(start, end);
  if (gameDates.length === 0)
    return log.warning('No game dates with predictions found in the range!');
  checkpoint?.setTotal(gameDates.length);
  log.info(`Processing ${gameDates.length} game dates (of ${gameDates.length} total)`);

  let successful = 0;
  let skipped = 0;
  let totalGraded = 0;
  const failed = [];
  for (const [index, date] of gameDates.entries()) {
    log.info(`Grading date ${index + 1}/${gameDates.length}: ${date}`);
    const result = isBootstrapDate(date)
      ? { status: 'no_predictions' }
      : await gradeDate(date, dryRun);
    if (result.status === 'success') {
      successful += 1;
      totalGraded += result.graded;
      log.info(
        `  ✓ Success: ${result.graded} graded, MAE=${result.mae}, bias=${result.bias} in ${result.elapsed}s`,
      );
      checkpoint?.markComplete(date);
    } else if (result.status === 'no_predictions') {
      skipped += 1;
      log.info('  ⏭ Skipped: no predictions');
      checkpoint?.markSkipped(date);
    } else if (result.status === 'no_actuals') {
      skipped += 1;
      log.warning('  ⏭ Skipped: no actuals (game not played?)');
      checkpoint?.markSkipped(date);
    } else if (result.status === 'dry_run_complete') {
      log.info(
        `  ✓ Dry run: ${result.predictions} predictions (5 systems), ${result.actuals} actuals`,
      );
    } else {
      failed.push(date);
      log.error(`  ✗ Failed: ${result.status}`);
      checkpoint?.markFailed(date, result.status);
    }
    if ((index + 1) % 10 === 0 && !dryRun)
      log.info(`Progress: ${index + 1}/${gameDates.length} game dates`);
  }

  log.info('='.repeat(80));
  log.info('PHASE 5B GRADING BACKFILL SUMMARY:');
  log.info(`  Game dates processed: ${gameDates.length}`);
  log.info(`  Successful: ${successful}, Skipped: ${skipped}, Failed: ${failed.length}`);
  if (!dryRun && totalGraded > 0) log.info(`  Total predictions graded: ${totalGraded}`);
  if (failed.length > 0) log.info(`  Failed dates: ${failed.slice(0, 10).join(', ')}`);
  log.info('='.repeat(80));
};

const preflight = (start, end) => {
  log.info('='.repeat(70));
  log.info('PHASE 5A PRE-FLIGHT CHECK');
  log.info('='.repeat(70));
  const found = coverage(start, end);
  if (found.dates_with_predictions > 0) {
    log.info('✅ Pre-flight check passed');
    log.info(
      `   ${found.dates_with_predictions} dates with ${found.total_predictions} predictions`,
    );
    return;
  }
  log.error('='.repeat(70));
  log.error('❌ PRE-FLIGHT CHECK FAILED: No predictions found!');
  log.error('='.repeat(70));
  log.error(`Date range: ${start} to ${end}`);
  log.error(`Coverage: ${pyDict({ ...found, first_date: 'None', last_date: 'None' })}`);
  log.error('');
  log.error('Options:');
  log.error('  1. Run Phase 5A prediction backfill first');
  log.error('  2. Use --skip-preflight to bypass (NOT RECOMMENDED)');
  db.close();
  process.exit(1);
};

if (args.dates) {
  const dates = datesOrExit(args.dates, log);
  for (const date of dates) {
    const result = await gradeDate(date, args.dry_run);
    log.info(
      `${date}: ${result.status} - ${result.graded ?? 0} graded, MAE=${result.mae ?? 'N/A'}, bias=${result.bias ?? 'N/A'}`,
    );
  }
} else {
  const { start, end } = rangeOrDie(args, SCRIPT, 402);
  const checkpoint = createCheckpoint('grading_backfill', start, end);
  if (args.status) {
    checkpoint.printStatus();
  } else {
    if (args.no_resume && checkpoint.exists()) checkpoint.clear();
    if (!args.skip_preflight && !args.dry_run) preflight(start, end);
    log.info(`Checkpoint: ${checkpoint.path}`);
    await runBackfill(start, end, args.dry_run, args.dry_run ? undefined : checkpoint);
  }
}
db.close();

#!/usr/bin/env node
// Simulates backfill_jobs/prediction/player_prop_predictions_backfill.py (Phase 5): game
// dates only, `INFO:__main__:` log lines, five prediction systems per player. A date whose
// Phase 4 inputs are missing logs "⚠ Missing dependencies" and counts as failed; exit 0.
//
//   node phase5.mjs --start-date 2022-04-16 --end-date 2022-06-17 --skip-preflight
import { PRECOMPUTE_OPTIONS, parseArgs, today } from './lib/args.mjs';
import { createCheckpoint } from './lib/checkpoint.mjs';
import { between, nowIso, rng, round } from './lib/fake.mjs';
import { datesOrExit, pyDict, rangeOrDie } from './lib/job.mjs';
import { createLogger } from './lib/output.mjs';
import { elapsedSince, workFor } from './lib/pace.mjs';
import { addDays, calendarDays, isBootstrapDate } from './lib/schedule.mjs';
import { countOn, gameDatesBetween, openWarehouse, replaceDate, rowsOn } from './lib/warehouse.mjs';

const SCRIPT = 'backfill_jobs/prediction/player_prop_predictions_backfill.py';
const TABLE = 'nba_predictions.player_prop_predictions';
const SYSTEMS = [
  'moving_average',
  'zone_matchup_v1',
  'similarity_balanced_v1',
  'xgboost_v1',
  'ensemble_v1',
];
const DEPENDENCIES = {
  player_composite_factors: 'nba_precompute.player_composite_factors',
  player_shot_zone_analysis: 'nba_precompute.player_shot_zone_analysis',
  team_defense_zone_analysis: 'nba_precompute.team_defense_zone_analysis',
};

const args = parseArgs(process.argv.slice(2), {
  prog: 'player_prop_predictions_backfill.py',
  description: 'Phase 5 Prediction Backfill - Generate historical predictions',
  epilog: 'NOTE: Requires Phase 4 precompute data to be complete',
  options: PRECOMPUTE_OPTIONS,
});
const log = createLogger('basic');
const db = openWarehouse();
let systemsLoaded = false;

const dependencyCounts = (date) =>
  Object.fromEntries(
    Object.entries(DEPENDENCIES).map(([name, table]) => [name, countOn(db, table, date)]),
  );

/** One row per player per prediction system, built from that player's composite factors. */
const predictionRows = (date, factors) =>
  factors.flatMap((f) => {
    const random = rng(`line:${date}:${f.player_lookup}`);
    const line = Math.round(between(random, 6, 30)) + 0.5;
    return SYSTEMS.map((system) => {
      const predicted = round(
        line + between(rng(`${system}:${date}:${f.player_lookup}`), -4, 4) + f.pace_score / 2,
      );
      return {
        game_date: date,
        game_id: f.game_id,
        player_lookup: f.player_lookup,
        system_id: system,
        predicted_points: predicted,
        confidence_score: round(between(random, 0.5, 0.9), 2),
        recommendation:
          Math.abs(predicted - line) < 1 ? 'PASS' : predicted > line ? 'OVER' : 'UNDER',
        current_points_line: line,
        created_at: nowIso(),
      };
    });
  });

const predictDate = async (date, dryRun) => {
  if (isBootstrapDate(date)) return { status: 'skipped_bootstrap' };
  const counts = dependencyCounts(date);
  const available = Object.values(counts).every((n) => n > 0);
  if (dryRun) {
    await workFor(0.3);
    return { status: 'dry_run_complete', available };
  }
  if (!available) return { status: 'missing_dependencies', counts };
  if (!systemsLoaded) {
    log.info('Initializing prediction systems...');
    log.info('Prediction systems initialized');
    systemsLoaded = true;
  }
  const startedAt = Date.now();
  await workFor(1);
  const factors = rowsOn(db, 'nba_precompute.player_composite_factors', date);
  replaceDate(db, TABLE, date, predictionRows(date, factors));
  return { status: 'success', players: factors.length, elapsed: elapsedSince(startedAt) };
};

const runBackfill = async (start, end, dryRun, checkpoint) => {
  log.info(`Starting Phase 5 prediction backfill from ${start} to ${end}`);
  if (start > end) return log.error('Start date must be before end date');
  if (end > today()) return log.error('End date cannot be in the future');
  log.info('Fetching NBA schedule to find game dates...');
  const gameDates = gameDatesBetween(db, start, end);
  if (gameDates.length === 0) return log.warning('No game dates found in the specified range!');
  checkpoint?.setTotal(gameDates.length);
  log.info(`Processing ${gameDates.length} game dates (of ${gameDates.length} total)`);

  let successful = 0;
  let skipped = 0;
  let predictions = 0;
  const failed = [];
  for (const [index, date] of gameDates.entries()) {
    log.info(`Processing game date ${index + 1}/${gameDates.length}: ${date}`);
    const result = await predictDate(date, dryRun);
    if (result.status === 'success') {
      successful += 1;
      predictions += result.players;
      log.info(`  ✓ Success: ${result.players} predictions in ${result.elapsed}s`);
      checkpoint?.markComplete(date);
    } else if (result.status === 'skipped_bootstrap') {
      skipped += 1;
      log.info('  ⏭ Skipped: bootstrap period');
      checkpoint?.markSkipped(date);
    } else if (result.status === 'missing_dependencies') {
      failed.push(date);
      log.warning(`  ⚠ Missing dependencies: ${pyDict(result.counts)}`);
      checkpoint?.markFailed(date, 'missing_dependencies');
    } else if (result.status === 'dry_run_complete') {
      log.info(`  ✓ Dry run: deps ${result.available ? 'OK' : 'MISSING'}`);
    }
    if ((index + 1) % 10 === 0 && !dryRun)
      log.info(`Progress: ${index + 1}/${gameDates.length} game dates`);
  }

  log.info('='.repeat(80));
  log.info('PHASE 5 PREDICTION BACKFILL SUMMARY:');
  log.info(`  Game dates processed: ${gameDates.length}`);
  log.info(`  Successful: ${successful}, Skipped: ${skipped}, Failed: ${failed.length}`);
  if (!dryRun && predictions > 0) log.info(`  Total predictions generated: ${predictions}`);
  if (failed.length > 0) log.info(`  Failed dates: ${failed.slice(0, 10).join(', ')}`);
  log.info('='.repeat(80));
};

/** Checks one sample date in the middle of the range, exactly like the real script. */
const preflight = (start, end) => {
  log.info('='.repeat(70));
  log.info('PHASE 4 PRE-FLIGHT CHECK');
  log.info('='.repeat(70));
  const span = calendarDays(start, end).length - 1;
  const sample = addDays(start, Math.floor(span / 2));
  const counts = dependencyCounts(sample);
  const deps = { available: Object.values(counts).every((n) => n > 0), ...counts };
  if (deps.available) {
    log.info(`✅ Pre-flight check passed for sample date ${sample}`);
    log.info(`   Counts: ${pyDict(deps)}`);
    return;
  }
  log.error('='.repeat(70));
  log.error('❌ PRE-FLIGHT CHECK FAILED: Phase 4 data is incomplete!');
  log.error('='.repeat(70));
  log.error(`Checked date: ${sample}`);
  log.error(`Dependencies: ${pyDict(deps)}`);
  log.error('');
  log.error('Options:');
  log.error('  1. Run Phase 4 backfill first');
  log.error('  2. Use --skip-preflight to bypass (NOT RECOMMENDED)');
  db.close();
  process.exit(1);
};

if (args.dates) {
  const dates = datesOrExit(args.dates, log);
  // The real --dates path prints one line a date and no "Processing" lines.
  for (const date of dates) {
    const result = await predictDate(date, args.dry_run);
    log.info(`${date}: ${result.status}`);
  }
} else {
  const { start, end } = rangeOrDie(args, SCRIPT, 1004);
  const checkpoint = createCheckpoint('prediction_backfill', start, end);
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

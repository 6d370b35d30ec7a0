#!/usr/bin/env node
// Simulates the Phase 4 precompute backfills
// (backfill_jobs/precompute/<name>/<name>_precompute_backfill.py): game dates only, absolute
// numbering, a Phase 3 pre-flight check unless --skip-preflight, exit 0 even with failed dates.
//
//   node phase4.mjs --processor team_defense_zone_analysis --start-date 2022-04-16 --end-date 2022-06-17 --skip-preflight
//   node phase4.mjs --processor team_defense_zone_analysis --dates 2022-04-19,2022-05-06
import path from 'node:path';
import { PRECOMPUTE_OPTIONS, parseArgs, peekProcessor, today } from './lib/args.mjs';
import { createCheckpoint } from './lib/checkpoint.mjs';
import { datesOrExit, rangeOrDie, scriptedFailure } from './lib/job.mjs';
import { bigQueryTraceback, createLogger, writeAll } from './lib/output.mjs';
import { workFor } from './lib/pace.mjs';
import { isReady, missingUpstreamDates, printReadiness } from './lib/preflight.mjs';
import { compositeRows, shotZoneRows, zoneRows } from './lib/rows.mjs';
import { calendarDays, isBootstrapDate } from './lib/schedule.mjs';
import {
  countOn,
  gameDatesBetween,
  gamesOn,
  openWarehouse,
  replaceDate,
} from './lib/warehouse.mjs';

const RATE_LIMITED =
  '403 Exceeded rate limits: too many table update operations for this table. ' +
  'For more information, see https://cloud.google.com/bigquery/docs/troubleshoot-quotas';
const UNRECOGNIZED_NAME =
  '400 Unrecognized name: season_type at [14:13]; reason: invalidQuery, location: query, message: Unrecognized name: season_type at [14:13]';

const PROCESSORS = {
  team_defense_zone_analysis: {
    className: 'TeamDefenseZoneAnalysisProcessor',
    description: 'Day-by-day precompute backfill for team defense zone analysis',
    order: 'Execution order: 1/5 (no Phase 4 dependencies)',
    logStyle: 'time',
    table: 'nba_precompute.team_defense_zone_analysis',
    phase3: ['nba_analytics.team_defense_game_summary'],
    unit: 'teams',
    success: (n, specific) =>
      specific ? `  ✓ Success: ${n} teams` : `  ✓ Success: ${n} teams processed`,
    build: (date) => zoneRows(date),
    // Demo behaviour (a): these game dates fail on their first attempt, the run still exits 0.
    failures: {
      '2021-22': { 4: 'failed', 17: 'exception', 30: 'failed' },
      '2022-23': { 9: 'exception', 26: 'failed' },
      '2023-24': { 6: 'failed', 21: 'exception', 38: 'failed' },
    },
  },
  player_shot_zone_analysis: {
    className: 'PlayerShotZoneAnalysisProcessor',
    description: 'Day-by-day precompute backfill for player shot zone analysis',
    order: 'Execution order: 2/5 (no Phase 4 dependencies)',
    logStyle: 'time-name',
    table: 'nba_precompute.player_shot_zone_analysis',
    phase3: ['nba_analytics.player_game_summary'],
    unit: 'players',
    success: (n) => `  ✓ Success: ${n} records`,
    build: (date) => shotZoneRows(date),
    failures: {},
  },
  player_composite_factors: {
    className: 'PlayerCompositeFactorsProcessor',
    description: 'Day-by-day precompute backfill for player composite factors',
    order: 'Execution order: 3/5 (depends on #1, #2)',
    logStyle: 'time',
    table: 'nba_precompute.player_composite_factors',
    // The check that blocked the 2026-01 backfill: the "upcoming" context tables.
    phase3: ['nba_analytics.player_game_summary', 'nba_analytics.upcoming_team_game_context'],
    // Read per date: a date its inputs lack fails (the gaps upstream left travel downstream).
    inputs: [
      'nba_precompute.team_defense_zone_analysis',
      'nba_precompute.player_shot_zone_analysis',
      'nba_analytics.upcoming_team_game_context',
    ],
    unit: 'players',
    success: (n) => `  ✓ Success: ${n} players`,
    build: (date, games) => compositeRows(date, games),
    // Demo behaviour (b): the 13th game date of 2022-23 raises an uncaught BadRequest once.
    failures: { '2022-23': { 13: 'crash' } },
  },
};

const scriptOf = (id) => `backfill_jobs/precompute/${id}/${id}_precompute_backfill.py`;

const argv = process.argv.slice(2);
const peeked = PROCESSORS[peekProcessor(argv)] ? peekProcessor(argv) : undefined;
const args = parseArgs(argv, {
  prog: peeked ? path.basename(scriptOf(peeked)) : 'phase4.mjs',
  description: peeked ? PROCESSORS[peeked].description : 'Simulated Phase 4 precompute backfills',
  epilog: 'IMPORTANT: run Phase 3 first; --skip-preflight bypasses the check (NOT RECOMMENDED)',
  options: [
    {
      flag: '--processor',
      dest: 'processor',
      kind: 'value',
      choices: Object.keys(PROCESSORS),
      required: true,
      help: 'Processor to simulate (demo only)',
    },
    ...PRECOMPUTE_OPTIONS,
  ],
});
const id = args.processor;
const processor = PROCESSORS[id];
const script = scriptOf(id);
const log = createLogger(processor.logStyle);
const db = openWarehouse();

/** An uncaught exception: Python prints the traceback and exits 1. */
const crash = (date) => {
  writeAll(
    2,
    `${bigQueryTraceback({
      script,
      outer: [
        [612, '<module>', 'main()'],
        [598, 'main', 'backfiller.run_backfill(start_date, end_date, dry_run=args.dry_run,'],
        [301, 'run_backfill', 'result = self.run_precompute_processing(current_date, dry_run)'],
      ],
      line: 178,
      fn: 'run_precompute_processing',
      code: 'success = self.processor.run(opts)',
      exceptionType: 'google.api_core.exceptions.BadRequest',
      message: UNRECOGNIZED_NAME,
      jobId: `7c1e9a42-5d0b-4e8f-9a36-${date.replaceAll('-', '')}c7e5`,
    })}\n`,
  );
  process.exit(1);
};

/** One date, as run_precompute_processing() returns it. */
const processDate = async (date, dryRun) => {
  if (isBootstrapDate(date)) {
    if (id === 'team_defense_zone_analysis')
      log.info(`BOOTSTRAP: Skipping ${date} (early season period)`);
    return { status: 'skipped_bootstrap' };
  }
  const games = gamesOn(db, date);
  await workFor(dryRun ? 0.3 : 1);
  if (dryRun) return { status: 'dry_run_complete', games: games.length };
  const failure = scriptedFailure(id, date, processor.failures);
  if (failure === 'crash') crash(date);
  if (failure === 'failed') return { status: 'failed' };
  if (failure === 'exception') {
    const traceback = bigQueryTraceback({
      script,
      line: 178,
      fn: 'run_precompute_processing',
      code: 'success = self.processor.run(opts)',
      exceptionType: 'google.api_core.exceptions.Forbidden',
      message: RATE_LIMITED,
    });
    log.error(`Exception during processing: ${RATE_LIMITED}`, traceback);
    return { status: 'exception', error: RATE_LIMITED };
  }
  const lacking = (processor.inputs ?? []).filter((table) => countOn(db, table, date) === 0);
  if (lacking.length > 0) {
    return {
      status: 'failed',
      error: `Missing critical dependencies for ${date}: ${lacking.join(', ')}`,
    };
  }
  const count = replaceDate(db, processor.table, date, processor.build(date, games));
  return { status: 'success', count };
};

const reportResult = (date, result, specific) => {
  if (result.status === 'success') return log.info(processor.success(result.count, specific));
  if (result.status === 'skipped_bootstrap') return log.info('  ⏭ Skipped: bootstrap period');
  if (result.status === 'dry_run_complete') {
    return log.info(
      `  ✓ Dry run: Phase 3 ${result.games > 0 ? 'available' : 'NOT available'} (${result.games} games)`,
    );
  }
  if (specific) return log.error(`  ✗ Failed: ${result.error ?? 'Unknown error'}`);
  if (result.status === 'exception') return log.error(`  ✗ Exception: ${result.error}`);
  // team_defense_zone_analysis names the date; player_composite_factors prints the error.
  return log.error(
    `  ✗ Failed: ${id === 'player_composite_factors' ? (result.error ?? 'Unknown') : date}`,
  );
};

const runBackfill = async (start, end, dryRun, checkpoint) => {
  log.info(`Starting backfill from ${start} to ${end}`);
  if (processor.inputs)
    log.info(
      'NOTE: Requires team_defense_zone_analysis and player_shot_zone_analysis to complete first',
    );
  if (start > end) return log.error('Start date must be before end date');
  if (end > today()) return log.error('End date cannot be in the future');
  log.info('Fetching NBA schedule to find game dates...');
  const gameDates = gameDatesBetween(db, start, end);
  if (gameDates.length === 0) return log.warning('No game dates found in the specified range!');
  const calendar = calendarDays(start, end).length;
  checkpoint?.setTotal(gameDates.length);
  log.info(`Processing ${gameDates.length} game dates (of ${gameDates.length} total game dates)`);
  log.info(`  (Skipping ${calendar - gameDates.length} off-days in the calendar range)`);

  let successful = 0;
  let skipped = 0;
  let total = 0;
  const failed = [];
  for (const [index, date] of gameDates.entries()) {
    log.info(`Processing game date ${index + 1}/${gameDates.length}: ${date}`);
    const result = await processDate(date, dryRun);
    reportResult(date, result, false);
    if (result.status === 'success') {
      successful += 1;
      total += result.count;
      checkpoint?.markComplete(date);
    } else if (result.status === 'skipped_bootstrap') {
      skipped += 1;
      checkpoint?.markSkipped(date, 'bootstrap');
    } else if (result.status !== 'dry_run_complete') {
      failed.push(date);
      checkpoint?.markFailed(date, result.error ?? 'Processing failed');
    }
    if ((index + 1) % 10 === 0 && !dryRun)
      log.info(`Progress: ${index + 1}/${gameDates.length} game dates`);
  }

  log.info('='.repeat(80));
  log.info(`PHASE 4 BACKFILL SUMMARY - ${processor.className}:`);
  log.info(
    `  Game dates processed: ${gameDates.length} (skipped ${calendar - gameDates.length} off-days)`,
  );
  log.info(`  Successful: ${successful}, Skipped: ${skipped}, Failed: ${failed.length}`);
  if (!dryRun && successful > 0) log.info(`  Total ${processor.unit}: ${total}`);
  if (failed.length > 0) log.info(`  Failed dates: ${failed.slice(0, 10).join(', ')}`);
  log.info('='.repeat(80));
};

/** team_defense / shot_zone print a full report for --dates; composite_factors one line a date. */
const processSpecificDates = async (dates, dryRun) => {
  if (id === 'player_composite_factors') {
    for (const date of dates) {
      const result = await processDate(date, dryRun);
      log.info(`${date}: ${result.status}`);
    }
    return;
  }
  log.info(`Processing ${dates.length} specific dates`);
  let successful = 0;
  let skipped = 0;
  let total = 0;
  const failed = [];
  for (const [index, date] of dates.entries()) {
    log.info(`Processing date ${index + 1}/${dates.length}: ${date}`);
    const result = await processDate(date, dryRun);
    reportResult(date, result, true);
    if (result.status === 'success') {
      successful += 1;
      total += result.count;
    } else if (result.status === 'skipped_bootstrap') skipped += 1;
    else if (result.status !== 'dry_run_complete') failed.push(date);
  }
  log.info('='.repeat(80));
  log.info('SPECIFIC DATES PROCESSING SUMMARY:');
  log.info(`  Total dates: ${dates.length}`);
  log.info(`  Successful: ${successful}`);
  log.info(`  Skipped: ${skipped}`);
  log.info(`  Failed: ${failed.length}`);
  if (!dryRun && successful > 0) log.info(`  Total ${processor.unit}: ${total}`);
  if (failed.length > 0) log.info(`  Failed dates: ${failed.join(', ')}`);
  log.info('='.repeat(80));
};

/** Phase 3 pre-flight: exits 1 when any expected game date is missing upstream. */
const preflight = (start, end) => {
  log.info('='.repeat(70));
  log.info('PHASE 3 PRE-FLIGHT CHECK');
  log.info('='.repeat(70));
  log.info(`Verifying Phase 3 data exists for ${start} to ${end}...`);
  const readiness = missingUpstreamDates(db, processor.phase3, start, end);
  printReadiness('PHASE 3 READINESS', start, end, readiness);
  if (isReady(readiness)) return log.info('✅ Pre-flight check passed: Phase 3 data is ready');
  log.error('='.repeat(70));
  log.error('❌ PRE-FLIGHT CHECK FAILED: Phase 3 data is incomplete!');
  log.error('='.repeat(70));
  log.error('Cannot proceed with Phase 4 backfill until Phase 3 is complete.');
  log.error('');
  log.error('Options:');
  log.error('  1. Run Phase 3 backfill first to fill gaps');
  log.error('  2. Use --skip-preflight to bypass (NOT RECOMMENDED)');
  log.error('');
  log.error('To see details, run:');
  log.error(
    `  python bin/backfill/verify_phase3_for_phase4.py --start-date ${start} --end-date ${end} --verbose`,
  );
  db.close();
  process.exit(1);
};

if (args.dates) {
  const dates = datesOrExit(args.dates, log);
  await processSpecificDates(dates, args.dry_run);
} else {
  const { start, end } = rangeOrDie(args, script, 566);
  const checkpoint = createCheckpoint(id, start, end);
  if (args.status) {
    checkpoint.printStatus();
  } else {
    if (args.no_resume && checkpoint.exists()) checkpoint.clear();
    if (!args.skip_preflight && !args.dry_run) preflight(start, end);
    else if (args.skip_preflight)
      log.warning('⚠️  Pre-flight check SKIPPED (--skip-preflight flag used)');
    log.info(processor.order);
    log.info(`Checkpoint: ${checkpoint.path}`);
    await runBackfill(start, end, args.dry_run, args.dry_run ? undefined : checkpoint);
  }
}
db.close();

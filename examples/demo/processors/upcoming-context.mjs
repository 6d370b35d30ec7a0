#!/usr/bin/env node
// Simulates backfill_jobs/analytics/upcoming_team_game_context/
// upcoming_team_game_context_analytics_backfill.py: slow (about a second per calendar day,
// the plan sets DEMO_PACE_MS), `INFO:__main__:` log lines, and no --dates or
// --skip-preflight flags: passing either exits 2 like argparse.
//
//   node upcoming-context.mjs --start-date 2022-04-16 --end-date 2022-06-17
import { COMMON_OPTIONS, parseArgs, today } from './lib/args.mjs';
import { createCheckpoint } from './lib/checkpoint.mjs';
import { analyticsGameId, nowIso, sidesOf } from './lib/fake.mjs';
import { rangeOrDie } from './lib/job.mjs';
import { createLogger } from './lib/output.mjs';
import { workFor } from './lib/pace.mjs';
import { calendarDays } from './lib/schedule.mjs';
import { gamesOn, openWarehouse, replaceDate } from './lib/warehouse.mjs';

const SCRIPT =
  'backfill_jobs/analytics/upcoming_team_game_context/upcoming_team_game_context_analytics_backfill.py';
const TABLE = 'nba_analytics.upcoming_team_game_context';

const args = parseArgs(process.argv.slice(2), {
  prog: 'upcoming_team_game_context_analytics_backfill.py',
  description: 'Backfill upcoming team game context analytics',
  options: COMMON_OPTIONS.filter((o) => o.flag !== '--dates'),
});
const log = createLogger('basic');
// The processor module logs under its own name, as Python loggers do.
const processorLog = createLogger(
  'basic',
  'data_processors.analytics.upcoming_team_game_context.upcoming_team_game_context_processor',
);
const { start, end } = rangeOrDie(args, SCRIPT, 377);
const db = openWarehouse();

const lastGameBefore = db.prepare(
  'SELECT MAX(game_date) FROM nba_raw.nbac_schedule WHERE game_status = 3 AND game_date < ? AND (home = ? OR away = ?)',
);

const contextRows = (date, games) =>
  sidesOf(games).map(({ game, team, opponent, home }) => {
    const previous = lastGameBefore.pluck().get(date, team, team);
    return {
      game_id: analyticsGameId(date, game),
      game_date: date,
      team_abbr: team,
      opponent_team_abbr: opponent,
      home_game: home,
      days_rest: previous
        ? Math.round((Date.parse(date) - Date.parse(previous)) / 86_400_000) - 1
        : 3,
      game_number_in_series: Number(game.game_id.slice(-1)),
      processed_at: nowIso(),
    };
  });

const run = async () => {
  if (start > end) return log.error('Start date must be before end date');
  if (end > today()) return log.error('End date cannot be in the future');
  const checkpoint = createCheckpoint('upcoming_team_game_context', start, end);
  const days = calendarDays(start, end);
  checkpoint.setTotal(days.length);
  if (args.no_resume && checkpoint.exists()) {
    log.info('🔄 --no-resume specified, starting fresh (clearing checkpoint)');
    checkpoint.clear();
  }
  log.info('='.repeat(60));
  log.info('Upcoming Team Game Context Backfill');
  log.info(`Date Range: ${start} to ${end}`);
  log.info(`Total Days: ${days.length}`);
  log.info(`Remaining Days: ${days.length}`);
  log.info(`Mode: ${args.dry_run ? 'DRY RUN' : 'PRODUCTION'}`);
  log.info(`Checkpoint: ${checkpoint.path}`);
  log.info('='.repeat(60));

  if (args.dry_run) {
    log.info('DRY RUN MODE - No data will be processed');
    log.info(`Would process team game context for ${days.length} dates:`);
    for (const d of days.slice(0, 5)) log.info(`  - ${d}`);
    if (days.length > 5) log.info(`  ... and ${days.length - 5} more dates`);
    return;
  }

  let totalTeams = 0;
  let totalGames = 0;
  let successful = 0;
  for (const [index, date] of days.entries()) {
    log.info(`\n${'='.repeat(40)}`);
    log.info(`Processing date ${index + 1}/${days.length}: ${date}`);
    log.info('='.repeat(40));
    processorLog.info(
      `Extracting schedule context for ${date} (lookback 30 days, lookahead 7 days)`,
    );
    const games = gamesOn(db, date);
    await workFor(1);
    if (games.length > 0 && date.endsWith('7')) {
      processorLog.warning(
        `No betting lines found for ${date} - spread/total context will be NULL`,
      );
    }
    const teams = replaceDate(db, TABLE, date, contextRows(date, games));
    processorLog.info(`Calculated context for ${teams} team-games`);
    successful += 1;
    totalTeams += teams;
    totalGames += games.length;
    log.info(`✅ ${date}: Processed ${teams} teams, ${games.length} games`);
    checkpoint.markComplete(date);
  }

  log.info(`\n${'='.repeat(60)}`);
  log.info('BACKFILL COMPLETE');
  log.info('='.repeat(60));
  log.info(`Date Range: ${start} to ${end}`);
  log.info(`Days Processed: ${successful}/${days.length}`);
  log.info('Days Failed: 0');
  log.info(`Total Teams: ${totalTeams}`);
  log.info(`Total Games: ${totalGames}`);
  const summary = checkpoint.summary();
  log.info('\n📊 Checkpoint Summary:');
  log.info(`   Total successful: ${summary.successful}`);
  log.info(`   Total failed: ${summary.failed}`);
  log.info(`   Checkpoint file: ${checkpoint.path}`);
  log.info('='.repeat(60));
};

await run();
db.close();

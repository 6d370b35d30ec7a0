// The BigQuery tables the demo writes, as SQLite tables inside one file per dataset.
// Dates are TEXT 'YYYY-MM-DD'; each table has an index on its date column so the
// console's coverage queries stay fast.

export const DATASETS = ['nba_raw', 'nba_analytics', 'nba_precompute', 'nba_predictions'];

export const SCHEDULE_TABLE = 'nba_raw.nbac_schedule';

/** `dataset.table` -> date column and column definitions. */
export const TABLES = {
  [SCHEDULE_TABLE]: {
    dateColumn: 'game_date',
    columns: 'game_date TEXT, game_id TEXT, home TEXT, away TEXT, game_status INTEGER',
  },
  'nba_analytics.team_offense_game_summary': {
    dateColumn: 'game_date',
    columns:
      'game_id TEXT, game_date TEXT, team_abbr TEXT, opponent_team_abbr TEXT, home_game INTEGER, ' +
      'points_scored INTEGER, fg_attempts INTEGER, pace REAL, processed_at TEXT',
  },
  'nba_analytics.team_defense_game_summary': {
    dateColumn: 'game_date',
    columns:
      'game_id TEXT, game_date TEXT, defending_team_abbr TEXT, opponent_team_abbr TEXT, ' +
      'points_allowed INTEGER, opp_fg_pct REAL, processed_at TEXT',
  },
  'nba_analytics.player_game_summary': {
    dateColumn: 'game_date',
    columns:
      'game_id TEXT, game_date TEXT, player_lookup TEXT, team_abbr TEXT, opponent_team_abbr TEXT, ' +
      'minutes_played REAL, points INTEGER, processed_at TEXT',
  },
  'nba_analytics.upcoming_team_game_context': {
    dateColumn: 'game_date',
    columns:
      'game_id TEXT, game_date TEXT, team_abbr TEXT, opponent_team_abbr TEXT, home_game INTEGER, ' +
      'days_rest INTEGER, game_number_in_series INTEGER, processed_at TEXT',
  },
  'nba_precompute.team_defense_zone_analysis': {
    dateColumn: 'analysis_date',
    columns:
      'analysis_date TEXT, team_abbr TEXT, paint_pct_allowed_last_15 REAL, ' +
      'mid_range_pct_allowed_last_15 REAL, three_pt_pct_allowed_last_15 REAL, games_in_sample INTEGER, processed_at TEXT',
  },
  'nba_precompute.player_shot_zone_analysis': {
    dateColumn: 'analysis_date',
    columns:
      'analysis_date TEXT, player_lookup TEXT, team_abbr TEXT, paint_rate_last_10 REAL, ' +
      'mid_range_rate_last_10 REAL, three_pt_rate_last_10 REAL, processed_at TEXT',
  },
  'nba_precompute.player_composite_factors': {
    dateColumn: 'game_date',
    columns:
      'game_date TEXT, game_id TEXT, player_lookup TEXT, team_abbr TEXT, opponent_team_abbr TEXT, ' +
      'fatigue_score REAL, shot_zone_mismatch_score REAL, pace_score REAL, usage_spike_score REAL, processed_at TEXT',
  },
  'nba_predictions.player_prop_predictions': {
    dateColumn: 'game_date',
    columns:
      'game_date TEXT, game_id TEXT, player_lookup TEXT, system_id TEXT, predicted_points REAL, ' +
      'confidence_score REAL, recommendation TEXT, current_points_line REAL, created_at TEXT',
  },
  'nba_predictions.prediction_accuracy': {
    dateColumn: 'game_date',
    columns:
      'game_date TEXT, player_lookup TEXT, system_id TEXT, predicted_points REAL, actual_points INTEGER, ' +
      'line_value REAL, absolute_error REAL, signed_error REAL, prediction_correct INTEGER, graded_at TEXT',
  },
};

/** `CREATE TABLE` plus a date index, schema-qualified for a connection that ATTACHed the dataset. */
export const createTableSql = (key) => {
  const [dataset, table] = key.split('.');
  const { columns, dateColumn } = TABLES[key];
  return (
    `CREATE TABLE IF NOT EXISTS ${dataset}.${table} (${columns});\n` +
    `CREATE INDEX IF NOT EXISTS ${dataset}.${table}_${dateColumn} ON ${table} (${dateColumn});`
  );
};

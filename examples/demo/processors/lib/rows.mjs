// Row builders for the tables the demo writes. Deterministic (seeded by date and player or
// team), so re-running a date rewrites identical rows; kept small: eight players a team.
import {
  analyticsGameId,
  between,
  nowIso,
  playersOf,
  rng,
  rosterOf,
  round,
  sidesOf,
} from './fake.mjs';
import { TEAMS } from './schedule.mjs';

export const teamOffenseRows = (date, games) =>
  sidesOf(games).map(({ game, team, opponent, home }) => {
    const random = rng(`offense:${date}:${team}`);
    return {
      game_id: analyticsGameId(date, game),
      game_date: date,
      team_abbr: team,
      opponent_team_abbr: opponent,
      home_game: home,
      points_scored: Math.round(between(random, 92, 128)),
      fg_attempts: Math.round(between(random, 78, 95)),
      pace: round(between(random, 94, 102)),
      processed_at: nowIso(),
    };
  });

export const teamDefenseRows = (date, games) =>
  sidesOf(games).map(({ game, team, opponent }) => {
    const random = rng(`defense:${date}:${team}`);
    return {
      game_id: analyticsGameId(date, game),
      game_date: date,
      defending_team_abbr: team,
      opponent_team_abbr: opponent,
      points_allowed: Math.round(between(random, 92, 128)),
      opp_fg_pct: round(between(random, 0.41, 0.52), 3),
      processed_at: nowIso(),
    };
  });

export const playerRows = (date, games) =>
  playersOf(games).map(({ game, team, opponent, player }) => {
    const random = rng(`player:${date}:${player}`);
    return {
      game_id: analyticsGameId(date, game),
      game_date: date,
      player_lookup: player,
      team_abbr: team,
      opponent_team_abbr: opponent,
      minutes_played: round(between(random, 8, 42)),
      points: Math.round(between(random, 0, 38)),
      processed_at: nowIso(),
    };
  });

export const zoneRows = (date) =>
  TEAMS.map((team) => {
    const random = rng(`zone:${date}:${team}`);
    return {
      analysis_date: date,
      team_abbr: team,
      paint_pct_allowed_last_15: round(between(random, 0.52, 0.66), 3),
      mid_range_pct_allowed_last_15: round(between(random, 0.36, 0.46), 3),
      three_pt_pct_allowed_last_15: round(between(random, 0.33, 0.39), 3),
      games_in_sample: 15,
      processed_at: nowIso(),
    };
  });

/** Every rostered player league-wide, minus a few a day without enough recent games. */
export const shotZoneRows = (date) =>
  TEAMS.flatMap((team) => rosterOf(team).map((player) => ({ team, player })))
    .filter(({ player }) => rng(`sample:${date}:${player}`)() > 0.04)
    .map(({ team, player }) => {
      const random = rng(`shots:${date}:${player}`);
      const paint = between(random, 0.2, 0.55);
      const three = between(random, 0.15, 0.5);
      return {
        analysis_date: date,
        player_lookup: player,
        team_abbr: team,
        paint_rate_last_10: round(paint, 3),
        mid_range_rate_last_10: round(Math.max(0.02, 1 - paint - three), 3),
        three_pt_rate_last_10: round(three, 3),
        processed_at: nowIso(),
      };
    });

export const compositeRows = (date, games) =>
  playersOf(games).map(({ game, team, opponent, player }) => {
    const random = rng(`composite:${date}:${player}`);
    return {
      game_date: date,
      game_id: analyticsGameId(date, game),
      player_lookup: player,
      team_abbr: team,
      opponent_team_abbr: opponent,
      fatigue_score: round(between(random, 55, 100)),
      shot_zone_mismatch_score: round(between(random, -8, 8)),
      pace_score: round(between(random, -3, 3)),
      usage_spike_score: round(between(random, -2, 4)),
      processed_at: nowIso(),
    };
  });

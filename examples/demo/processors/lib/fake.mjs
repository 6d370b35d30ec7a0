// Deterministic made-up rows: the same date always yields the same players and numbers, so
// re-running a date replaces its rows with identical ones.
import { TEAMS } from './schedule.mjs';

/** FNV-1a, then mulberry32: a small seeded generator. */
export const rng = (seed) => {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i += 1) h = Math.imul(h ^ seed.charCodeAt(i), 0x01000193);
  let state = h >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

export const between = (random, low, high) => low + random() * (high - low);
export const round = (value, digits = 1) => Number(value.toFixed(digits));

const FIRST = [
  'marcus',
  'jalen',
  'tyrese',
  'devin',
  'andre',
  'caleb',
  'isaiah',
  'darius',
  'miles',
  'jordan',
  'keon',
  'trey',
  'malik',
  'aaron',
  'dillon',
  'reggie',
];
const LAST = [
  'holloway',
  'brooks',
  'whitfield',
  'carver',
  'okafor',
  'lindqvist',
  'barnes',
  'ellison',
  'moreau',
  'tatum-reyes',
  'prince',
  'vasquez',
  'hartley',
  'simmonds',
  'quarles',
  'bennett',
];

/** Players a team dresses in the demo: eight per team keeps every table small. */
export const PLAYERS_PER_TEAM = 8;

const rosters = new Map(
  TEAMS.map((team) => {
    const random = rng(`roster:${team}`);
    const names = new Set();
    while (names.size < PLAYERS_PER_TEAM) {
      names.add(
        `${FIRST[Math.floor(random() * FIRST.length)]}${LAST[Math.floor(random() * LAST.length)]}`.replace(
          '-',
          '',
        ),
      );
    }
    return [team, [...names]];
  }),
);

export const rosterOf = (team) => rosters.get(team) ?? [];

/** Analytics tables key games as YYYYMMDD_AWAY_HOME, not the schedule's NBA game_id. */
export const analyticsGameId = (date, game) =>
  `${date.replaceAll('-', '')}_${game.away}_${game.home}`;

/** Both sides of each game: [{ game, team, opponent, home }]. */
export const sidesOf = (games) =>
  games.flatMap((game) => [
    { game, team: game.home, opponent: game.away, home: 1 },
    { game, team: game.away, opponent: game.home, home: 0 },
  ]);

/** Every player of every team playing on `date`, with the game and opponent. */
export const playersOf = (games) =>
  sidesOf(games).flatMap((side) => rosterOf(side.team).map((player) => ({ ...side, player })));

export const nowIso = () => new Date().toISOString();

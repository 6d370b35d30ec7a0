// The demo's playoff schedule: the three real playoff windows with the real series and
// series lengths, spread over the days of each round. Deterministic: the seed script and
// every processor compute the same rows.

/** The windows the plan declares; also used to pick a processor's per-window demo failures. */
export const WINDOWS = [
  {
    id: '2021-22',
    start: '2022-04-16',
    end: '2022-06-17',
    season: '21',
    rounds: [
      {
        round: 1,
        from: '2022-04-16',
        to: '2022-04-30',
        series: [
          ['MIA', 'ATL', 5],
          ['PHI', 'TOR', 6],
          ['MIL', 'CHI', 5],
          ['BOS', 'BKN', 4],
          ['PHX', 'NOP', 6],
          ['DAL', 'UTA', 6],
          ['GSW', 'DEN', 5],
          ['MEM', 'MIN', 6],
        ],
      },
      {
        round: 2,
        from: '2022-05-01',
        to: '2022-05-15',
        rest: ['2022-05-12'],
        series: [
          ['MIA', 'PHI', 6],
          ['BOS', 'MIL', 7],
          ['PHX', 'DAL', 7],
          ['MEM', 'GSW', 6],
        ],
      },
      {
        round: 3,
        from: '2022-05-17',
        to: '2022-05-29',
        rest: ['2022-05-20', '2022-05-23', '2022-05-28'],
        series: [
          ['MIA', 'BOS', 7],
          ['GSW', 'DAL', 5],
        ],
      },
      {
        round: 4,
        dates: ['2022-06-02', '2022-06-05', '2022-06-08', '2022-06-10', '2022-06-13', '2022-06-16'],
        series: [['GSW', 'BOS', 6]],
      },
    ],
  },
  {
    id: '2022-23',
    start: '2023-04-15',
    end: '2023-06-13',
    season: '22',
    rounds: [
      {
        round: 1,
        from: '2023-04-15',
        to: '2023-04-29',
        rest: ['2023-04-28'],
        series: [
          ['MIL', 'MIA', 5],
          ['BOS', 'ATL', 6],
          ['PHI', 'BKN', 4],
          ['CLE', 'NYK', 5],
          ['DEN', 'MIN', 5],
          ['MEM', 'LAL', 6],
          ['SAC', 'GSW', 7],
          ['PHX', 'LAC', 5],
        ],
      },
      {
        round: 2,
        from: '2023-04-30',
        to: '2023-05-14',
        rest: ['2023-05-04'],
        series: [
          ['BOS', 'PHI', 7],
          ['NYK', 'MIA', 6],
          ['DEN', 'PHX', 6],
          ['GSW', 'LAL', 6],
        ],
      },
      {
        round: 3,
        from: '2023-05-16',
        to: '2023-05-29',
        rest: ['2023-05-24', '2023-05-26', '2023-05-28'],
        series: [
          ['BOS', 'MIA', 7],
          ['DEN', 'LAL', 4],
        ],
      },
      {
        round: 4,
        dates: ['2023-06-01', '2023-06-04', '2023-06-07', '2023-06-09', '2023-06-12'],
        series: [['DEN', 'MIA', 5]],
      },
    ],
  },
  {
    id: '2023-24',
    start: '2024-04-16',
    end: '2024-06-18',
    season: '23',
    rounds: [
      {
        // Play-in tournament: single games, game_id prefix 005.
        round: 0,
        dates: ['2024-04-16', '2024-04-17', '2024-04-19'],
        series: [
          ['PHI', 'MIA', 1],
          ['NOP', 'LAL', 1],
          ['CHI', 'ATL', 1],
          ['SAC', 'GSW', 1],
          ['MIA', 'CHI', 1],
          ['NOP', 'SAC', 1],
        ],
      },
      {
        round: 1,
        from: '2024-04-20',
        to: '2024-05-03',
        series: [
          ['BOS', 'MIA', 5],
          ['NYK', 'PHI', 6],
          ['MIL', 'IND', 6],
          ['CLE', 'ORL', 7],
          ['OKC', 'NOP', 4],
          ['DEN', 'LAL', 5],
          ['MIN', 'PHX', 4],
          ['LAC', 'DAL', 6],
        ],
      },
      {
        round: 2,
        from: '2024-05-04',
        to: '2024-05-19',
        series: [
          ['BOS', 'CLE', 5],
          ['NYK', 'IND', 7],
          ['OKC', 'DAL', 6],
          ['DEN', 'MIN', 7],
        ],
      },
      {
        round: 3,
        from: '2024-05-21',
        to: '2024-05-30',
        rest: ['2024-05-29'],
        series: [
          ['BOS', 'IND', 4],
          ['MIN', 'DAL', 5],
        ],
      },
      {
        round: 4,
        dates: ['2024-06-06', '2024-06-09', '2024-06-12', '2024-06-14', '2024-06-17'],
        series: [['BOS', 'DAL', 5]],
      },
    ],
  },
];

/** All 30 franchises: zone analysis and shot-zone tables cover the whole league every day. */
export const TEAMS = [
  'ATL',
  'BOS',
  'BKN',
  'CHA',
  'CHI',
  'CLE',
  'DAL',
  'DEN',
  'DET',
  'GSW',
  'HOU',
  'IND',
  'LAC',
  'LAL',
  'MEM',
  'MIA',
  'MIL',
  'MIN',
  'NOP',
  'NYK',
  'OKC',
  'ORL',
  'PHI',
  'PHX',
  'POR',
  'SAC',
  'SAS',
  'TOR',
  'UTA',
  'WAS',
];

/** Regular-season openers: phase 4 and 5 skip the first 14 days of each season ("bootstrap"). */
const SEASON_STARTS = {
  2021: '2021-10-19',
  2022: '2022-10-18',
  2023: '2023-10-24',
  2024: '2024-10-22',
};
const BOOTSTRAP_DAYS = 14;

const DAY_MS = 86_400_000;
const toTime = (isoDate) => Date.parse(`${isoDate}T00:00:00Z`);
const toIso = (time) => new Date(time).toISOString().slice(0, 10);

export const addDays = (isoDate, days) => toIso(toTime(isoDate) + days * DAY_MS);

/** Every calendar day from start to end, inclusive. */
export const calendarDays = (start, end) => {
  const days = [];
  for (let t = toTime(start); t <= toTime(end); t += DAY_MS) days.push(toIso(t));
  return days;
};

export const windowOf = (isoDate) => WINDOWS.find((w) => w.start <= isoDate && isoDate <= w.end);

export const isBootstrapDate = (isoDate) => {
  const year = Number(isoDate.slice(0, 4));
  const seasonYear = Number(isoDate.slice(5, 7)) >= 8 ? year : year - 1;
  const opener = SEASON_STARTS[seasonYear];
  return opener !== undefined && isoDate >= opener && isoDate < addDays(opener, BOOTSTRAP_DAYS);
};

/** Home court in a best-of-seven: 2-2-1-1-1 (games 1, 2, 5, 7 at the higher seed). */
const higherSeedHosts = (gameNumber) => [1, 2, 5, 7].includes(gameNumber);

const roundDates = (round) =>
  round.dates ?? calendarDays(round.from, round.to).filter((d) => !(round.rest ?? []).includes(d));

/**
 * Spreads each round's games over its dates: every date gets at least one game, series that
 * played least (and longest ago) go first, and no series exceeds its real length.
 */
const scheduleRound = (window, round) => {
  const dates = roundDates(round);
  const series = round.series.map(([high, low, length], index) => ({
    high,
    low,
    length,
    index,
    played: 0,
    last: '',
  }));
  let remaining = series.reduce((sum, s) => sum + s.length, 0);
  const games = [];
  dates.forEach((date, dayIndex) => {
    const datesLeft = dates.length - dayIndex;
    const active = series.filter((s) => s.played < s.length);
    // A series with as many games left as dates left must play today.
    const slack = (s) => datesLeft - (s.length - s.played);
    const forced = active.filter((s) => slack(s) === 0).length;
    const today = Math.min(active.length, Math.max(1, forced, Math.ceil(remaining / datesLeft)));
    active
      .sort(
        (a, b) =>
          Math.min(slack(a), 1) - Math.min(slack(b), 1) ||
          a.played - b.played ||
          a.last.localeCompare(b.last) ||
          a.index - b.index,
      )
      .slice(0, today)
      .forEach((s) => {
        s.played += 1;
        s.last = date;
        remaining -= 1;
        const hostIsHigh = round.round === 0 || higherSeedHosts(s.played);
        const prefix = round.round === 0 ? '005' : '004';
        games.push({
          game_date: date,
          game_id: `${prefix}${window.season}00${Math.max(round.round, 1)}${s.index}${s.played}`,
          home: hostIsHigh ? s.high : s.low,
          away: hostIsHigh ? s.low : s.high,
          game_status: 3,
          round: round.round,
          game_number: s.played,
        });
      });
  });
  return games;
};

/** Every playoff game of the three windows, sorted by date then game_id. */
export const buildSchedule = () =>
  WINDOWS.flatMap((w) => w.rounds.flatMap((r) => scheduleRound(w, r))).sort(
    (a, b) => a.game_date.localeCompare(b.game_date) || a.game_id.localeCompare(b.game_id),
  );

/** Distinct game dates of one window, from the generator (no warehouse needed). */
export const windowGameDates = (window) => [
  ...new Set(
    buildSchedule()
      .filter((g) => window.start <= g.game_date && g.game_date <= window.end)
      .map((g) => g.game_date),
  ),
];

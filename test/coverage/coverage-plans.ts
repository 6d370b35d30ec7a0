import { parsePlan } from '../../src/plan/index.js';
import type { Plan } from '../../src/plan/index.js';
import type { CoverageResult } from '../../src/state/coverage-slice.js';

export type ProcessorInput = {
  id: string;
  phase?: string;
  coverage?:
    { table: string; dateColumn?: string; minRows?: number } | { sql: string; minRows?: number };
  expected?: { sql: string };
  dependsOn?: string[];
};

export type PlanOptions = {
  /** Folder the plan file sits in; the SQLite warehouse is `<dir>/warehouse`. */
  dir: string;
  processors: ProcessorInput[];
  windows?: { id: string; start: string; end: string }[];
  expectedSql?: string;
  coverageSettings?: { concurrency?: number; timeoutSeconds?: number };
  /** @default { kind: 'sqlite', path: './warehouse' } (a folder of dataset files) */
  warehouse?: Record<string, unknown>;
  checks?: Record<string, unknown>[];
};

/** Playoff games (game_status 3 = final) and the days between them with no game. */
export const windows = [
  { id: 'w1', start: '2022-04-16', end: '2022-04-20' },
  { id: 'w2', start: '2022-05-01', end: '2022-05-05' },
];

export const scheduleExpectedSql =
  'SELECT DISTINCT game_date FROM nba_raw.nbac_schedule ' +
  'WHERE game_date BETWEEN @start AND @end AND game_status = 3';

/** A plan written as the operator would, then parsed by the real loader (JSON is YAML). */
export const coveragePlan = ({
  dir,
  processors,
  windows: planWindows = windows,
  expectedSql,
  coverageSettings = {},
  warehouse = { kind: 'sqlite', path: './warehouse' },
  checks,
}: PlanOptions): Plan =>
  parsePlan(
    JSON.stringify({
      version: 1,
      name: 'coverage test plan',
      settings: { coverage: { liveSeconds: 0, intervalSeconds: 0, ...coverageSettings } },
      warehouse,
      ...(checks ? { checks } : {}),
      ...(expectedSql ? { expected: { sql: expectedSql } } : {}),
      windows: planWindows,
      phases: [
        { id: '3', title: 'Phase 3 analytics' },
        { id: '4', title: 'Phase 4 precompute' },
      ],
      processors: processors.map(({ phase = '4', ...rest }) => ({
        ...rest,
        phase,
        command: ['node', '-e', ''],
      })),
    }),
    `${dir}/backfill.yaml`,
  );

/** The result the poller would store for a cell whose window expects `expectedDates`. */
export const okResult = (
  expectedDates: string[],
  missing: string[],
  durationMs = 40,
): Extract<CoverageResult, { ok: true }> => ({
  ok: true,
  covered: expectedDates.length - missing.length,
  expected: expectedDates.length,
  missing,
  expectedDates,
  durationMs,
});

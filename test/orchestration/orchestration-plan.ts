import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parsePlan } from '../../src/plan/index.js';
import type { Plan } from '../../src/plan/index.js';
import type { AppStore } from '../../src/state/store.js';
import type { CoverageResult } from '../../src/state/coverage-slice.js';
import type { Progress } from '../../src/state/progress.js';
import { emptyProgress } from '../../src/state/progress.js';

/** Absolute path of a fixture under test/orchestration/fixtures. */
export const fixture = (name: string): string =>
  fileURLToPath(new URL(`fixtures/${name}`, import.meta.url));

export const tempDir = (prefix: string): string =>
  mkdtempSync(path.join(os.tmpdir(), `orchestration-${prefix}-`));

export type ProcessorInput = {
  id: string;
  phase?: string;
  command?: string[];
  dependsOn?: string[];
  readyThreshold?: number;
  concurrency?: number;
  fillGaps?: Record<string, unknown>;
  coverage?: { table: string; dateColumn?: string } | { sql: string };
};

export type PlanInput = {
  dir?: string;
  processors: ProcessorInput[];
  windows?: { id: string; start: string; end: string }[];
  settings?: Record<string, unknown>;
  /** SQLite folder relative to the plan; set when any processor declares coverage. */
  warehouse?: string;
  expectedSql?: string;
};

/** Two playoff windows of the real plan: 45 and 44 game dates in 63 and 60 calendar days. */
export const playoffWindows = [
  { id: '2021-22', start: '2022-04-16', end: '2022-06-17' },
  { id: '2022-23', start: '2023-04-15', end: '2023-06-13' },
];

/** A plan as an operator would write it, through the real loader (JSON is YAML). */
export const orchestrationPlan = ({
  dir = '/tmp/orchestration-plan',
  processors,
  windows = playoffWindows,
  settings = {},
  warehouse,
  expectedSql,
}: PlanInput): Plan =>
  parsePlan(
    JSON.stringify({
      version: 1,
      name: 'orchestration test plan',
      settings: {
        stopGraceSeconds: 2,
        ...settings,
        coverage: { liveSeconds: 0, intervalSeconds: 0 },
      },
      ...(warehouse ? { warehouse: { kind: 'sqlite', path: warehouse } } : {}),
      ...(expectedSql ? { expected: { sql: expectedSql } } : {}),
      windows,
      phases: [
        { id: '3', title: 'Phase 3 analytics' },
        { id: '4', title: 'Phase 4 precompute' },
        { id: '5', title: 'Phase 5 predictions' },
      ],
      processors: processors.map(({ phase = '3', command = ['node', '-e', ''], ...rest }) => ({
        ...rest,
        phase,
        command,
      })),
    }),
    path.join(dir, 'backfill.yaml'),
  );

/** `count` consecutive calendar days from `start`. */
export const days = (start: string, count: number): string[] =>
  Array.from({ length: count }, (_, i) =>
    new Date(Date.parse(`${start}T00:00:00Z`) + i * 86_400_000).toISOString().slice(0, 10),
  );

/** What the coverage poller stores for a cell expecting `expectedDates` and lacking `missing`. */
export const covered = (expectedDates: readonly string[], missing: readonly string[] = []) =>
  ({
    ok: true,
    covered: expectedDates.length - missing.length,
    expected: expectedDates.length,
    missing: [...missing],
    expectedDates: [...expectedDates],
    durationMs: 5,
  }) satisfies CoverageResult;

/** Records a coverage answer for a cell, as the poller does. */
export const setCoverage = (
  store: AppStore,
  taskId: string,
  result: CoverageResult,
  at = Date.now(),
): void => store.getState().coverageCellRefreshed(taskId, result, at);

/** Drives a task through the supervisor's store events: starting, started, progress, exit. */
export const finishTask = (
  store: AppStore,
  taskId: string,
  exit: { exitCode?: number; signal?: string },
  progress: Partial<Progress> = {},
): void => {
  const state = store.getState();
  state.taskStarting(taskId, `/tmp/${taskId}.log`);
  state.taskStarted(taskId, 4242, Date.now());
  if (Object.keys(progress).length > 0) {
    state.outputReceived([{ taskId, progress: { ...emptyProgress, ...progress } }]);
  }
  state.taskExited(taskId, { ...exit, endedAt: Date.now() });
};

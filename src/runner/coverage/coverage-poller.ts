import type { Plan, TaskId } from '../../plan/types.js';
import { coverageSql, expectedSql } from '../../plan/coverage-sql.js';
import type { AppStore } from '../../state/store.js';
import type { CoverageResult } from '../../state/coverage-slice.js';
import { judgeCoverage } from '../../state/coverage-judge.js';
import type { DayCount } from '../../state/coverage-judge.js';
import { isActive } from '../../state/task-status.js';
import { isMissingTable } from '../../warehouse/warehouse.js';
import type { Warehouse } from '../../warehouse/warehouse.js';
import { createLimit } from './limit.js';
import { planSpan } from '../../plan/index.js';
import { monotonicNow } from '../../state/clock.js';

export type CoveragePoller = {
  /** Re-queries every cell and runs the plan's checks; resolves when all have answered or failed. */
  refreshAll: () => Promise<void>;
  /** Runs the plan's success checks only. */
  refreshChecks: () => Promise<void>;
  refresh: (taskIds: readonly TaskId[]) => Promise<void>;
  /** Starts the live and interval timers from the plan's settings. */
  start: () => void;
  dispose: () => void;
};

export type CoveragePollerOptions = { plan: Plan; store: AppStore; warehouse: Warehouse };

/**
 * Runs the plan's validation queries off the render path: a concurrency limit and a timeout
 * per query, one cell's refresh at a time (a request for a cell already in flight runs once
 * more after it), results and errors into the store.
 */
export const createCoveragePoller = ({
  plan,
  store,
  warehouse,
}: CoveragePollerOptions): CoveragePoller => {
  const settings = plan.settings.coverage;
  const limit = createLimit(settings.concurrency);
  const timeoutMs = settings.timeoutSeconds * 1000;
  const inFlight = new Map<TaskId, Promise<void>>();
  const again = new Set<TaskId>();
  const timers: NodeJS.Timeout[] = [];
  let disposed = false;

  const query: DayQuery = (sql, window) =>
    limit(() =>
      warehouse.queryDayRows(sql, { start: window.start, end: window.end }, { timeoutMs }),
    );

  const refreshCell = (
    taskId: TaskId,
    expectedCache: Map<string, Promise<DayCount[]>>,
  ): Promise<void> => {
    const running = inFlight.get(taskId);
    if (running) {
      again.add(taskId);
      return running;
    }
    // Stamped with when the question was asked: an answer to a query sent while a task ran
    // must not count as newer than the task's end (it would raise a false ⚑).
    const askedAt = Date.now();
    const work = measureCell(plan, query, taskId, expectedCache)
      .then((result) => {
        if (!disposed) store.getState().coverageCellRefreshed(taskId, result, askedAt);
      })
      .finally(() => {
        inFlight.delete(taskId);
        if (again.delete(taskId) && !disposed) void refreshCell(taskId, new Map());
      });
    inFlight.set(taskId, work);
    return work;
  };

  const refresh = async (taskIds: readonly TaskId[]) => {
    const tracked = taskIds.filter((id) => store.getState().coverage[id] !== undefined);
    if (tracked.length === 0 || disposed) return;
    store.getState().coverageRefreshStarted(tracked);
    // One expected-dates query per window and SQL for the whole batch.
    const expectedCache = new Map<string, Promise<DayCount[]>>();
    await Promise.all(tracked.map((id) => refreshCell(id, expectedCache)));
  };

  // Checks see the whole plan: @start/@end, where a check's SQL names them, span every window.
  const span = planSpan(plan);
  let checksInFlight: Promise<void> | undefined;
  const runChecks = async () => {
    store.getState().checksRefreshStarted();
    await Promise.all(
      plan.checks.map(async (check) => {
        const askedAt = Date.now();
        const result = await limit(() => warehouse.queryNumber(check.sql, span, { timeoutMs }))
          .then((value) => ({ ok: true as const, value }))
          .catch((error: unknown) => ({ ok: false as const, error: messageOf(error) }));
        if (!disposed) store.getState().checkRefreshed(check.id, result, askedAt);
      }),
    );
  };
  // One round of checks at a time: a second ask while one runs waits for that round.
  const refreshChecks = () => {
    if (plan.checks.length === 0 || disposed) return Promise.resolve();
    checksInFlight ??= runChecks().finally(() => (checksInFlight = undefined));
    return checksInFlight;
  };

  const refreshAll = async () => {
    await Promise.all([refresh(Object.keys(store.getState().coverage)), refreshChecks()]);
  };

  return {
    refresh,
    refreshAll,
    refreshChecks,
    start: () => {
      if (settings.liveSeconds > 0) {
        timers.push(
          setInterval(() => {
            const { tasks } = store.getState();
            const active = Object.keys(tasks).filter((id) => isActive(tasks[id]!.status));
            void refresh(active);
          }, settings.liveSeconds * 1000),
        );
      }
      if (settings.intervalSeconds > 0) {
        timers.push(setInterval(() => void refreshAll(), settings.intervalSeconds * 1000));
      }
    },
    dispose: () => {
      disposed = true;
      for (const timer of timers) clearInterval(timer);
    },
  };
};

/** A query of day rows over one window, under the poller's limit and timeout. */
type DayQuery = (sql: string, window: { start: string; end: string }) => Promise<DayCount[]>;

/**
 * One cell's answer: the expected dates (shared by the batch through the cache, one query per
 * window and SQL), the processor's output by day, judged against each other.
 */
const measureCell = async (
  plan: Plan,
  query: DayQuery,
  taskId: TaskId,
  expectedCache: Map<string, Promise<DayCount[]>>,
): Promise<CoverageResult> => {
  const started = monotonicNow();
  const task = plan.tasks.find((t) => t.id === taskId);
  const processor = plan.processors.find((p) => p.id === task?.processorId);
  const window = plan.windows.find((w) => w.id === task?.windowId);
  const outputSql = processor ? coverageSql(processor) : undefined;
  if (!processor || !window || !outputSql)
    return { ok: false, error: 'no coverage declared', durationMs: 0 };
  const wantedSql = expectedSql(plan, processor);
  let expectedDates: DayCount[] | undefined;
  if (wantedSql) {
    const key = `${window.id}\n${wantedSql}`;
    let pending = expectedCache.get(key);
    if (!pending) {
      pending = query(wantedSql, window);
      expectedCache.set(key, pending);
    }
    try {
      expectedDates = await pending;
    } catch (error) {
      return {
        ok: false,
        error: `expected-dates query failed: ${messageOf(error)}`,
        durationMs: Math.round(monotonicNow() - started),
      };
    }
  }
  let found: DayCount[];
  let note: string | undefined;
  try {
    found = await query(outputSql, window);
  } catch (error) {
    // Output tables are often created by their processor's first run: nothing is covered yet,
    // which fill gaps can fix, unlike a query that is wrong.
    if (!isMissingTable(error)) {
      return {
        ok: false,
        error: `coverage query failed: ${messageOf(error)}`,
        durationMs: Math.round(monotonicNow() - started),
      };
    }
    found = [];
    note = 'table does not exist yet';
  }
  const judged = judgeCoverage(expectedDates, found, processor.coverage?.minRows);
  return {
    ok: true,
    ...judged,
    ...(note !== undefined ? { note } : {}),
    durationMs: Math.round(monotonicNow() - started),
  };
};

const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

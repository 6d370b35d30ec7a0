import path from 'node:path';
import { formatPath, planLocator } from '../plan/load-plan.js';
import { planRedactor } from '../runner/logs/redaction.js';
import { PlanError } from '../plan/plan-error.js';
import type { PlanProblem } from '../plan/plan-error.js';
import { describeTableNaming, tableNamingOf } from '../plan/table-names.js';
import type { Plan } from '../plan/types.js';
import { warehouseConfigOf } from '../runner/coverage/open-plan-warehouse.js';
import { isMissingTable, openWarehouse } from '../warehouse/warehouse.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { planQueries } from './plan-queries.js';
import type { PlanQuery } from './plan-queries.js';
import { planSpan } from '../plan/index.js';
import { counted } from '../state/counted.js';

type QueryAnswer =
  | { state: 'ok'; bytes?: number }
  | { state: 'note'; message: string }
  | { state: 'error'; message: string };

/** "1 window", "3 windows". */

/**
 * `backfill-console validate`: the plan's tasks and table naming; with `--warehouse`, every query
 * of the plan asked of the warehouse without running it. Exit 2 when the warehouse rejects one.
 */
export const runValidate = async (
  plan: Plan,
  options: { warehouse: boolean },
  out: NodeJS.WritableStream,
): Promise<number> => {
  // Engine messages can quote connection details: nothing secret leaves in the output.
  const redact = planRedactor(plan);
  const write = (line: string) => out.write(`${redact(line)}\n`);
  write(
    `${plan.file}: ok · ${counted(plan.windows.length, 'window')} · ${counted(plan.processors.length, 'processor')} · ${counted(plan.tasks.length, 'task')}`,
  );
  for (const task of plan.tasks) write(`  phase ${task.phaseId}  ${task.id}`);
  write(`tables: ${describeTableNaming(tableNamingOf(plan, plan.dir))}`);
  if (!options.warehouse) return 0;

  const queries = planQueries(plan);
  if (queries.length === 0) {
    write('no queries to check (no coverage, expected or checks in the plan)');
    return 0;
  }
  const warehouse = openWarehouse(warehouseConfigOf(plan));
  try {
    const timeoutMs = plan.settings.coverage.timeoutSeconds * 1000;
    const answers = [];
    // One at a time: validation is not in a hurry, and a dry run is cheap but not free of quota.
    for (const query of queries) answers.push(await inspect(warehouse, plan, query, timeoutMs));
    return report(plan, warehouse, queries, answers, write);
  } finally {
    await warehouse.close().catch(() => undefined);
  }
};

/** Asks about the query once per window (bytes differ with partition pruning), or once for checks. */
const inspect = async (
  warehouse: Warehouse,
  plan: Plan,
  query: PlanQuery,
  timeoutMs: number,
): Promise<QueryAnswer> => {
  const span = planSpan(plan);
  // SQLite only compiles the statement: the window changes nothing, so one is enough.
  const ranges = query.wholePlan || warehouse.kind === 'sqlite' ? [span] : plan.windows;
  let bytes: number | undefined;
  for (const range of ranges) {
    try {
      const answer = await warehouse.inspect(query.sql, range, { timeoutMs });
      if (answer.bytes !== undefined) bytes = Math.max(bytes ?? 0, answer.bytes);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // An output table its processor creates on its first run is expected to be absent.
      if (query.role === 'coverage' && isMissingTable(error)) {
        return { state: 'note', message: `table does not exist yet (${message})` };
      }
      return { state: 'error', message };
    }
  }
  return bytes === undefined ? { state: 'ok' } : { state: 'ok', bytes };
};

const report = (
  plan: Plan,
  warehouse: Warehouse,
  queries: PlanQuery[],
  answers: QueryAnswer[],
  write: (line: string) => void,
): number => {
  const locate = planLocator(plan.file);
  const where = (query: PlanQuery) => {
    const { line } = locate(query.path);
    return `${path.basename(plan.file)}${line ? `:${line}` : ''}`;
  };
  const labelWidth = Math.max(...queries.map((q) => q.label.length)) + 2;
  write('');
  write(`queries, asked of ${warehouse.description} without running them:`);
  const problems: PlanProblem[] = [];
  queries.forEach((query, index) => {
    const answer = answers[index] ?? { state: 'ok' };
    const bytes =
      answer.state === 'ok' && answer.bytes !== undefined
        ? `  ${formatBytes(answer.bytes)}${query.wholePlan ? '' : ' per window (most)'}`
        : '';
    const note = answer.state === 'note' ? `  note: ${answer.message}` : '';
    write(
      `  ${answer.state.padEnd(5)}  ${query.label.padEnd(labelWidth)}${where(query)}${bytes}${note}`,
    );
    if (answer.state === 'error') {
      problems.push({
        ...locate(query.path),
        field: formatPath(query.path),
        message: `${query.label}: ${answer.message}`,
      });
    }
  });
  if (warehouse.kind === 'bigquery') {
    for (const line of costLines(plan, queries, answers)) write(line);
  }
  if (problems.length > 0) {
    write('');
    write(`${problems.length} quer${problems.length === 1 ? 'y' : 'ies'} rejected:`);
    write(new PlanError(plan.file, problems).message);
    return 2;
  }
  return 0;
};

/**
 * What watching costs at the plan's settings: the live refresh asks, every `liveSeconds`, the
 * cells of running tasks (at most `settings.concurrency`) and their windows' expected dates; the
 * interval refresh asks every cell and check. An upper bound: the largest queries are assumed.
 */
const costLines = (plan: Plan, queries: PlanQuery[], answers: QueryAnswer[]): string[] => {
  const bytesOf = (role: PlanQuery['role']) =>
    queries
      .map((q, i) => ({ q, a: answers[i] }))
      .filter(({ q }) => q.role === role)
      .map(({ a }) => (a?.state === 'ok' ? (a.bytes ?? 0) : 0));
  const coverage = bytesOf('coverage');
  const expected = bytesOf('expected');
  const checks = bytesOf('check');
  const most = (values: number[]) => Math.max(0, ...values);
  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
  const { liveSeconds, intervalSeconds } = plan.settings.coverage;
  const running = Math.min(plan.settings.concurrency, plan.tasks.length);
  const lines = [''];
  const full =
    sum(coverage) * plan.windows.length + sum(expected) * plan.windows.length + sum(checks);
  lines.push(`a full refresh (start, c, a task's end) scans at most ${formatBytes(full)}`);
  if (liveSeconds > 0) {
    const perTick = running * (most(coverage) + most(expected));
    const perHour = perTick * Math.floor(3600 / liveSeconds);
    lines.push(
      `live refresh: up to ${running} running cells every ${liveSeconds} s scan at most ${formatBytes(perHour)} per hour`,
    );
  } else {
    lines.push('live refresh: off (settings.coverage.liveSeconds: 0)');
  }
  if (intervalSeconds > 0) {
    lines.push(
      `interval refresh: every ${intervalSeconds} s scans at most ${formatBytes(full * Math.floor(3600 / intervalSeconds))} per hour`,
    );
  }
  return lines;
};

const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/** 1536 → "1.5 KiB"; BigQuery bills in binary units. */
export const formatBytes = (bytes: number): string => {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
};

import path from 'node:path';
import type { Plan, TaskId } from '../plan/types.js';
import type { CoverageCell } from './coverage-slice.js';
import { thinText } from './coverage-judge.js';
import { CellState, cellState, runAndDataDisagree } from './coverage-state.js';
import { paceOf, processorsInOrder } from './derive.js';
import { formatRanges, missingRanges } from './date-ranges.js';
import type { PlanEta } from './plan-eta.js';
import { durationText } from './plan-eta.js';
import { failureCount } from './progress.js';
import type { RunRecord } from './run-history.js';
import { runsSummary } from './run-history.js';
import type { RunPreview } from './run-slice.js';
import type { TaskRuntime } from './tasks-slice.js';
import { isActive, TaskStatus } from './task-status.js';
import type { CheckCell } from './checks-slice.js';
import { CheckState, checkState, rangeText } from './checks-slice.js';
import { counted } from './counted.js';

export type HandoffInput = {
  plan: Pick<
    Plan,
    'file' | 'dir' | 'name' | 'phases' | 'processors' | 'windows' | 'stateDir' | 'checks'
  >;
  tasks: Record<TaskId, TaskRuntime>;
  /** The success checks' last answers (the plan's `checks`). */
  checks: Record<string, CheckCell>;
  coverage: Record<TaskId, CoverageCell>;
  history: Record<TaskId, readonly RunRecord[]>;
  eta: PlanEta;
  /** The fill-gaps dry run, planned from fresh coverage: what remains, in order. */
  remaining: RunPreview;
  /** Where coverage comes from, e.g. "sqlite ./warehouse". */
  warehouse?: string;
  now: number;
};

/** Status marks of the tracker, as the hand-written handoff used them. */
export const trackerMark = {
  complete: '✅',
  running: '🔄',
  partial: '🟡',
  failed: '❌',
  notStarted: '⏳',
  unknown: '❔',
} as const;

const utc = (at: number): string =>
  `${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** A table cell's text must not break the row. */
const cellText = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

const row = (cells: readonly string[]): string => `| ${cells.map(cellText).join(' | ')} |`;

const trackerCell = (task: TaskRuntime | undefined, cell: CoverageCell | undefined): string => {
  const state = cellState(cell);
  const thin = cell?.thin?.length ? ` (${cell.thin.length} thin)` : '';
  const counts =
    cell?.expected !== undefined ? ` ${cell.covered ?? 0}/${cell.expected}${thin}` : '';
  if (task && isActive(task.status)) return `${trackerMark.running}${counts}`;
  if (state === CellState.complete) return `${trackerMark.complete}${counts}`;
  if (state === CellState.error) return `${trackerMark.failed} query error`;
  if (task?.status === TaskStatus.failed) return `${trackerMark.failed}${counts}`;
  if (state === CellState.partial) return `${trackerMark.partial}${counts}`;
  if (state === CellState.missing) return `${trackerMark.notStarted}${counts}`;
  if (state === CellState.untracked)
    return task?.status === TaskStatus.succeeded
      ? `${trackerMark.complete} ran`
      : `${trackerMark.unknown} untracked`;
  return `${trackerMark.unknown}${counts}`;
};

/** "1 date remains", "29 dates remain". */
const datesRemain = (n: number): string => (n === 1 ? '1 date remains' : `${n} dates remain`);

const etaLine = (eta: PlanEta): string => {
  switch (eta.kind) {
    case 'done':
      return 'nothing remains';
    case 'waiting':
      return `unknown: coverage not answered for ${eta.cells.join(', ')}`;
    case 'no-rate':
      return `unknown: no pace known for ${eta.processors.join(', ') || 'some processors'} (${datesRemain(eta.remainingDates)}; add estimate.secondsPerDate)`;
    case 'estimate':
      return `${utc(eta.finishAt)} (${durationText(eta.remainingMs)} from now, ${datesRemain(eta.remainingDates)}; critical path: ${eta.criticalProcessor}, ${eta.criticalTask})`;
  }
};

/**
 * The handoff note an operator used to write by hand after a shift, from what the console
 * knows: completion, the tracker, what runs, what failed and why, what remains with the exact
 * commands, and how to resume. GitHub Markdown (a real table), readable as plain text.
 */
export const handoffReport = (input: HandoffInput): string => {
  const { plan, tasks, coverage, history, now } = input;
  const cells = Object.entries(coverage);
  const complete = cells.filter(([, c]) => cellState(c) === CellState.complete).length;
  const expected = cells.reduce((sum, [, c]) => sum + (c.expected ?? 0), 0);
  const covered = cells.reduce(
    (sum, [, c]) => sum + (c.expected !== undefined ? (c.covered ?? 0) : 0),
    0,
  );
  const percent = expected > 0 ? Math.floor((covered / expected) * 100) : 100;
  const planPath = plan.file;
  const lines: string[] = [
    `# Handoff: ${plan.name ?? path.basename(plan.file)}`,
    '',
    `- **Plan**: \`${plan.file}\``,
    `- **Written**: ${utc(now)}`,
    `- **Completion**: ${complete}/${cells.length} cells complete · ${covered}/${expected} dates covered (${percent}%)${input.warehouse ? ` · coverage from ${input.warehouse}` : ''}`,
    `- **Estimated completion**: ${etaLine(input.eta)}`,
    '',
    '## Tracker',
    '',
    `${trackerMark.complete} complete · ${trackerMark.running} running · ${trackerMark.partial} partial · ${trackerMark.failed} failed · ${trackerMark.notStarted} not started · covered/expected dates`,
    '',
    row(['Phase', 'Processor', ...plan.windows.map((w) => w.id)]),
    row(['---', '---', ...plan.windows.map(() => '---')]),
  ];
  const ordered = processorsInOrder(plan);
  for (const processor of ordered) {
    const phase = plan.phases.find((p) => p.id === processor.phase);
    lines.push(
      row([
        phase?.title ?? processor.phase,
        processor.id,
        ...plan.windows.map((w) =>
          trackerCell(tasks[`${processor.id}@${w.id}`], coverage[`${processor.id}@${w.id}`]),
        ),
      ]),
    );
  }

  lines.push(...checkLines(input));

  const taskOrder = ordered.flatMap((p) => plan.windows.map((w) => `${p.id}@${w.id}`));
  const running = taskOrder.filter((id) => isActive(tasks[id]?.status ?? 'pending'));
  lines.push('', '## Running now', '');
  if (running.length === 0) lines.push('Nothing is running.');
  else {
    lines.push(row(['Task', 'PID', 'Started', 'Progress', 'Rate', 'ETA', 'Log']));
    lines.push(row(['---', '---', '---', '---', '---', '---', '---']));
    for (const id of running) {
      const task = tasks[id]!;
      const pace = paceOf(task, now);
      const p = task.progress;
      const done = p.total !== undefined ? `${Math.max(0, (p.index ?? 1) - 1)}/${p.total}` : '?';
      lines.push(
        row([
          id,
          String(task.pid ?? '?'),
          task.startedAt ? utc(task.startedAt) : '?',
          `${done}${p.currentDate ? ` at ${p.currentDate}` : ''}`,
          pace.datesPerHour !== undefined ? `${Math.round(pace.datesPerHour)} dates/h` : '?',
          pace.etaMs !== undefined ? durationText(pace.etaMs) : '?',
          task.logFile ? `\`${path.relative(plan.dir, task.logFile)}\`` : '',
        ]),
      );
    }
  }

  lines.push('', '## Failed and why', '');
  const problems: string[] = [];
  for (const id of taskOrder) {
    const task = tasks[id];
    const cell = coverage[id];
    if (
      task &&
      (task.status === TaskStatus.failed ||
        task.status === TaskStatus.withFailures ||
        task.status === TaskStatus.killed ||
        task.status === TaskStatus.endedUnseen)
    ) {
      const failedDates = task.progress.failedDates;
      const failed = failureCount(task.progress);
      problems.push(
        `- **${id}** (attempt ${task.attempt}): ${task.reason ?? task.status}` +
          (failed > 0 ? ` · failed dates (${failed}): ${failedDates.join(', ')}` : ''),
      );
    }
    if (runAndDataDisagree(task, cell)) {
      // Thin dates count too: present, but with fewer rows than they need (as the cell detail says).
      const thin = cell?.thin ?? [];
      const lacking = (cell?.missing.length ?? 0) + thin.length;
      problems.push(
        `- ⚑ **${id}**: the last run succeeded, but the warehouse lacks ${counted(lacking, 'expected date')}` +
          (thin.length > 0 ? ` · thin (${thin.length}): ${thinText(thin)}` : ''),
      );
    }
    if (cell?.error !== undefined)
      problems.push(`- **${id}**: coverage query error: ${cell.error}`);
    const runs = history[id];
    if (runs && runs.length > 0 && problems.at(-1)?.includes(`**${id}**`))
      problems.push(`  - ${runsSummary(runs)}`);
  }
  lines.push(...(problems.length > 0 ? problems : ['No failures.']));

  lines.push('', '## What remains, in order', '');
  const { steps, skipped } = input.remaining;
  if (steps.length === 0)
    lines.push('Nothing: every cell is complete or cannot be filled by gaps (see below).');
  steps.forEach((step, index) => {
    const cell = coverage[step.taskId];
    const ranges =
      cell && cell.missing.length > 0
        ? ` (${formatRanges(missingRanges(cell.expectedDates, new Set(cell.missing)))})`
        : '';
    const after = step.after.length > 0 ? ` · after ${step.after.join(', ')}` : '';
    const processor = plan.processors.find(
      (p) => `${p.id}@` === step.taskId.slice(0, p.id.length + 1),
    );
    const cwd = processor?.resolvedCwd
      ? path.relative(plan.dir, processor.resolvedCwd) || '.'
      : '.';
    lines.push(`${index + 1}. **${step.taskId}**: ${step.detail}${ranges}${after}`, '', '   ```sh');
    if (cwd !== '.') lines.push(`   cd ${cwd}`);
    for (const command of step.commands) lines.push(`   ${command}`);
    lines.push('   ```', '');
  });
  const notComplete = skipped.filter((s) => !s.reason.startsWith('complete'));
  if (notComplete.length > 0) {
    lines.push('Not in the list:', '');
    for (const skip of notComplete) lines.push(`- ${skip.taskId}: ${skip.reason}`);
    lines.push('');
  }

  lines.push(
    '## How to resume',
    '',
    '```sh',
    `backfill-console --plan ${planPath}                  # re-attaches running tasks; G fills the gaps above`,
    `backfill-console run --plan ${planPath} --fill-gaps  # the same without the console`,
    `backfill-console status --plan ${planPath}           # coverage and the ETA`,
    '```',
    '',
    `Logs: \`${path.relative(plan.dir, path.join(plan.stateDir, 'logs'))}/\` · run history: \`${path.relative(plan.dir, path.join(plan.stateDir, 'history.jsonl'))}\``,
    '',
  );
  return lines.join('\n');
};

const checkMark: Record<CheckState, string> = {
  [CheckState.pass]: trackerMark.complete,
  [CheckState.fail]: trackerMark.failed,
  [CheckState.error]: trackerMark.failed,
  [CheckState.unknown]: trackerMark.unknown,
};

/** The plan's success checks: what each asked returned, against the range it must fall in. */
const checkLines = ({ plan, checks }: HandoffInput): string[] => {
  if (plan.checks.length === 0) return [];
  const passed = plan.checks.filter(
    (check) => checkState(check, checks[check.id]) === CheckState.pass,
  ).length;
  return [
    '',
    '## Checks',
    '',
    `${passed}/${plan.checks.length} pass`,
    '',
    ...plan.checks.map((check) => {
      const cell = checks[check.id];
      const state = checkState(check, cell);
      const value =
        cell?.error !== undefined
          ? `query error: ${cell.error}`
          : cell?.value === undefined
            ? 'not asked'
            : `${cell.value === null ? 'no value' : cell.value.toLocaleString('en-US')} (must be ${rangeText(check)})`;
      return `- ${checkMark[state]} **${check.title ?? check.id}**: ${value}`;
    }),
  ];
};

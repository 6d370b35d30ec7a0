import type { Plan } from '../plan/types.js';
import { createAppStore } from '../state/store.js';
import { formatRanges } from '../state/date-ranges.js';
import { createCoveragePoller } from '../runner/coverage/coverage-poller.js';
import { openPlanWarehouse } from '../runner/coverage/open-plan-warehouse.js';
import { coverageReport, statusExitCode } from './coverage-report.js';
import { planRedactor } from '../runner/logs/redaction.js';
import type { CheckReport, CoverageReport } from './coverage-report.js';
import { thinText } from '../state/coverage-judge.js';
import { rangeText } from '../state/checks-slice.js';
import { lastRuns, readHistory } from '../runner/session/history.js';
import { etaText, planEta } from '../state/plan-eta.js';
import { counted } from '../state/counted.js';

/**
 * `backfill-console status`: the coverage matrix without the TUI, for scripts and cron.
 * Returns the exit code: 0 all complete, 1 incomplete, 2 warehouse error.
 */
export const runStatus = async (
  plan: Plan,
  json: boolean,
  out: NodeJS.WritableStream,
): Promise<number> => {
  const warehouse = openPlanWarehouse(plan);
  if (!warehouse) {
    process.stderr.write(
      `backfill-console: no processor in ${plan.file} declares coverage (add coverage: { table, dateColumn }) and it has no checks\n`,
    );
    return 2;
  }
  try {
    const store = createAppStore(plan);
    const poller = createCoveragePoller({ plan, store, warehouse });
    await poller.refreshAll();
    poller.dispose();
    const state = store.getState();
    const report = coverageReport(
      plan,
      state.coverage,
      warehouse.description,
      new Date(),
      state.checks,
    );
    // Error texts can quote connection strings or tokens: nothing secret leaves in the output.
    const redact = planRedactor(plan);
    const records = readHistory(plan.stateDir).records;
    const last = lastRuns(records);
    store.getState().historyLoaded(records);
    // The same estimate as the console's header, from coverage and the run history.
    const eta = planEta({ ...store.getState(), now: Date.now() });
    const withRuns = {
      ...report,
      eta: { ...eta, text: etaText(eta) },
      cells: report.cells.map((c) => ({
        ...c,
        lastRun: last.get(`${c.processor}@${c.window}`) ?? null,
      })),
    };
    out.write(
      redact(
        json
          ? `${JSON.stringify(withRuns, null, 2)}\n`
          : `${formatReport(plan, report)}${etaText(eta)}\n`,
      ),
    );
    return statusExitCode(report);
  } finally {
    await warehouse.close().catch(() => undefined);
  }
};

const checkSymbol: Record<CheckReport['state'], string> = {
  pass: '✓',
  fail: '✗',
  error: '!',
  unknown: '?',
};

/** `✓ graded_predictions  104,233 in 100,000..110,000  Graded predictions` */
const checkLine = (c: CheckReport): string => {
  const value =
    c.error !== undefined
      ? `error: ${c.error}`
      : `${c.value?.toLocaleString('en-US') ?? 'no value'} in ${rangeText(c)}`;
  return `${checkSymbol[c.state]} ${c.state.padEnd(5)} ${c.id}: ${value}${c.title ? ` · ${c.title}` : ''}`;
};

const pad = (text: string, width: number) =>
  text.length >= width ? `${text.slice(0, width - 1)} ` : text.padEnd(width);

export const formatReport = (plan: Plan, report: CoverageReport): string => {
  const nameWidth = Math.max(12, ...report.cells.map((c) => c.processor.length + 4));
  const lines = [
    `coverage · ${report.name ?? report.plan} · ${report.warehouse} · ${report.refreshedAt}`,
    pad('PROCESSOR', nameWidth) + plan.windows.map((w) => pad(w.id, 16)).join(''),
  ];
  let phase = '';
  for (const processor of new Set(report.cells.map((c) => c.processor))) {
    const row = report.cells.filter((c) => c.processor === processor);
    const phaseId = row[0]?.phase ?? '';
    if (phaseId !== phase) {
      phase = phaseId;
      lines.push(plan.phases.find((p) => p.id === phase)?.title ?? `Phase ${phase}`);
    }
    const cells = plan.windows.map((w) => {
      const cell = row.find((c) => c.window === w.id);
      if (!cell) return pad('—', 16);
      if (cell.state === 'error') return pad('ERROR', 16);
      if (cell.expected === null)
        return pad(cell.covered == null ? '? dates' : counted(cell.covered, 'date'), 16);
      return pad(`${cell.covered}/${cell.expected} ${cell.percent}%`, 16);
    });
    lines.push(pad(`  ${processor}`, nameWidth) + cells.join(''));
  }
  const gaps = report.cells.filter((c) => c.missing.length > 0);
  if (gaps.length > 0) {
    lines.push('', 'missing:');
    for (const c of gaps)
      lines.push(
        `  ${c.processor} ${c.window}: ${formatRanges(c.missingRanges)}${c.note ? ` (${c.note})` : ''}`,
      );
  }
  const thin = report.cells.filter((c) => c.thin.length > 0);
  if (thin.length > 0) {
    lines.push('', 'thin (present, too few rows):');
    for (const c of thin) lines.push(`  ${c.processor} ${c.window}: ${thinText(c.thin)}`);
  }
  const errors = report.cells.filter((c) => c.error !== undefined);
  if (errors.length > 0) {
    lines.push('', 'errors:');
    for (const c of errors) lines.push(`  ${c.processor} ${c.window}: ${c.error}`);
  }
  if (report.checks.length > 0) {
    lines.push('', 'checks:');
    for (const c of report.checks) lines.push(`  ${checkLine(c)}`);
  }
  const passed = report.checks.filter((c) => c.state === 'pass').length;
  lines.push(
    '',
    `${report.counts.complete}/${report.cells.length} cells complete` +
      (report.checks.length > 0 ? `, ${passed}/${report.checks.length} checks pass` : ''),
  );
  return `${lines.join('\n')}\n`;
};

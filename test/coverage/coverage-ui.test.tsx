import { afterEach, describe, expect, it } from 'vitest';
import stripAnsi from 'strip-ansi';
import type { Plan } from '../../src/plan/index.js';
import { coveragePlan, okResult } from './coverage-plans.js';
import { arrows, renderCoverageApp } from './render-coverage-app.js';
import type { CoverageRendered } from './render-coverage-app.js';

let app: CoverageRendered | undefined;
afterEach(() => {
  app?.unmount();
  app = undefined;
});

const uiWindows = [
  { id: 'w1', start: '2022-04-16', end: '2022-05-05' },
  { id: 'w2', start: '2023-04-15', end: '2023-04-30' },
  { id: 'w3', start: '2024-04-20', end: '2024-05-01' },
];

const uiPlan = (): Plan =>
  coveragePlan({
    dir: '/tmp/coverage-ui',
    windows: uiWindows,
    processors: [
      { id: 'alpha', phase: '3', coverage: { table: 'nba_analytics.alpha_out' } },
      { id: 'beta', dependsOn: ['alpha'], coverage: { table: 'nba_precompute.beta_out' } },
      { id: 'gamma' },
    ],
  });

/** The game dates of w1: no games 04-18, 04-21..04-30, 05-04. */
const w1Dates = [
  '2022-04-16',
  '2022-04-17',
  '2022-04-19',
  '2022-04-20',
  '2022-05-01',
  '2022-05-02',
  '2022-05-03',
  '2022-05-05',
];
const w1Missing = ['2022-04-19', '2022-05-02', '2022-05-03'];

// At 100 columns with three windows a cell is 18 wide and the processor column 45 (see CoverageMatrix).
const nameWidth = 45;
const cellWidth = 18;
const cellsOf = (row: string): string[] =>
  uiWindows.map((_, i) =>
    row.slice(nameWidth + i * cellWidth, nameWidth + (i + 1) * cellWidth).trim(),
  );
const lines = (frame: string) => frame.split('\n');
const matrixRow = (frame: string, processorId: string): string =>
  lines(frame).find((line) => new RegExp(`^[› ]  ${processorId} `).test(line)) ?? '';
const matrixCells = (frame: string, processorId: string) => cellsOf(matrixRow(frame, processorId));
const tableRow = (frame: string, processorId: string, windowId: string): string =>
  lines(frame).find((line) => new RegExp(`^.. ${processorId}\\s+${windowId} `).test(line)) ?? '';
const isMatrix = (frame: string) => frame.includes('PROCESSOR');
/** SGR codes chalk writes around text with a blue background (the focused selection). */
const blueBackground = { open: '\u001b[44m', close: '\u001b[49m' };

const openMatrix = async (rendered: CoverageRendered) => {
  await rendered.waitForFrame((f) => f.includes('alpha'));
  await rendered.press('m');
  return rendered.waitForFrame(isMatrix);
};

const succeed = (rendered: CoverageRendered, taskId: string, endedAt: number) => {
  const state = rendered.store.getState();
  state.taskStarting(taskId, `/tmp/${taskId}.log`);
  state.taskStarted(taskId, 4242, endedAt - 60_000);
  state.taskExited(taskId, { exitCode: 0, endedAt });
};

describe('coverage matrix (m)', () => {
  it('shows phase headings, processor rows, window columns and covered/expected pct% per cell', async () => {
    app = renderCoverageApp(uiPlan());
    const before = await openMatrix(app);
    const heading = lines(before).find((line) => line.includes('PROCESSOR')) ?? '';
    expect(cellsOf(heading)).toEqual(['w1', 'w2', 'w3']);
    // Not queried yet: "?" where coverage is declared, "—" where it is not.
    expect(matrixCells(before, 'alpha')).toEqual(['?', '?', '?']);
    expect(matrixCells(before, 'gamma')).toEqual(['—', '—', '—']);

    const now = Date.now();
    const state = app.store.getState();
    state.coverageCellRefreshed('alpha@w1', okResult(w1Dates, w1Missing), now);
    state.coverageCellRefreshed('alpha@w2', okResult(['2023-04-15', '2023-04-17'], []), now);
    state.coverageCellRefreshed(
      'beta@w3',
      okResult(['2024-04-20', '2024-04-22'], ['2024-04-20', '2024-04-22']),
      now,
    );
    const frame = await app.waitForFrame((f) => matrixRow(f, 'beta').includes('0/2'));

    const order = [
      'Phase 3 analytics',
      '  alpha ',
      'Phase 4 precompute',
      '  beta ',
      '  gamma ',
    ].map((text) => lines(frame).findIndex((line) => line.includes(text)));
    expect(order.every((index) => index > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(matrixCells(frame, 'alpha')).toEqual(['5/8 62%', '2/2 100%', '?']);
    expect(matrixCells(frame, 'beta')).toEqual(['?', '?', '0/2 0%']);
    expect(matrixCells(frame, 'gamma')).toEqual(['—', '—', '—']);
  });

  const longError =
    'coverage query failed: no such table: nba_precompute.beta_out (the dataset file ' +
    'nba_precompute.sqlite exists, but this processor has not written its table yet)';
  /** The error as the cell detail shows it: from "error: " on, its wrapped lines joined. */
  const shownError = (frame: string): string => {
    const all = lines(frame);
    const first = all.findIndex((line) => line.startsWith('error: '));
    if (first < 0) return '';
    const rest = all.slice(first + 1).findIndex((line) => line.startsWith('──'));
    return all
      .slice(first, rest < 0 ? undefined : first + 1 + rest)
      .map((line) => line.trimEnd())
      .join(' ');
  };

  it('reads "error" in a failed cell and shows the whole error, wrapped, in the cell detail', async () => {
    app = renderCoverageApp(uiPlan());
    await openMatrix(app);
    expect(`error: ${longError}`.length).toBeGreaterThan(100);
    app.store
      .getState()
      .coverageCellRefreshed(
        'beta@w2',
        { ok: false, error: longError, durationMs: 120 },
        Date.now(),
      );
    app.store.getState().taskSelected('beta@w2');
    const frame = await app.waitForFrame(
      (f) => f.includes('coverage · beta w2') && matrixRow(f, 'beta').includes('error'),
    );
    expect(matrixCells(frame, 'beta')).toEqual(['?', 'error', '?']);
    expect(lines(frame).filter((line) => line.startsWith('error: '))).toHaveLength(1);
    expect(shownError(frame)).toBe(`error: ${longError}`);
    // A cell with only an error has no counts because the query failed, not because nobody asked.
    expect(frame).toContain('no counts: the query failed (c asks again)');
    expect(frame).not.toContain('not queried yet');
  });

  it('shows the whole error even when the cell keeps an earlier answer with missing dates', async () => {
    app = renderCoverageApp(uiPlan());
    await openMatrix(app);
    const state = app.store.getState();
    const earlier = okResult(['2023-04-15', '2023-04-17'], ['2023-04-17']);
    state.coverageCellRefreshed('beta@w2', earlier, Date.now());
    state.coverageCellRefreshed(
      'beta@w2',
      { ok: false, error: longError, durationMs: 120 },
      Date.now(),
    );
    state.taskSelected('beta@w2');
    const frame = await app.waitForFrame(
      (f) => f.includes('coverage · beta w2') && matrixRow(f, 'beta').includes('error'),
    );
    // The counts of the last good answer stay for reference...
    expect(frame).toContain('1/2 expected dates (50%) · query error');
    // ...but not at the cost of the error the operator has to act on.
    expect(shownError(frame)).toBe(`error: ${longError}`);
  });

  it('keeps a space between the refresh status and the first window in the heading', async () => {
    app = renderCoverageApp(uiPlan());
    await openMatrix(app);
    app.store.getState().coverageCellRefreshed('alpha@w1', okResult(w1Dates, []), Date.now());
    const frame = await app.waitForFrame((f) => f.includes('(refreshed '));
    const heading = lines(frame).find((line) => line.includes('PROCESSOR')) ?? '';
    expect(heading).toMatch(/\sw1\s+w2\s+w3\s*$/);
  });

  it('lists the missing dates of a partial cell as ranges along the expected dates', async () => {
    app = renderCoverageApp(uiPlan());
    await openMatrix(app);
    app.store
      .getState()
      .coverageCellRefreshed('alpha@w1', okResult(w1Dates, w1Missing), Date.now());
    const frame = await app.waitForFrame((f) => f.includes('missing (3)'));
    expect(frame).toContain('coverage · alpha w1 (2022-04-16..2022-05-05)');
    expect(frame).toContain('5/8 expected dates (62%) · partial');
    expect(frame).toContain('missing (3): 2022-04-19, 05-02..05-03');
  });

  it('lists thin dates apart from missing ones, with their row counts', async () => {
    app = renderCoverageApp(uiPlan());
    await openMatrix(app);
    const thin = [{ date: '2022-05-02', rows: 18, expected: 30 }];
    app.store
      .getState()
      .coverageCellRefreshed(
        'alpha@w1',
        { ...okResult(w1Dates, ['2022-04-19']), covered: w1Dates.length - 2, thin },
        Date.now(),
      );
    const frame = await app.waitForFrame((f) => f.includes('thin (1'));
    expect(frame).toContain('6/8 expected dates (75%) · partial');
    expect(frame).toContain('missing (1): 2022-04-19');
    expect(frame).toContain('thin (1, too few rows): 2022-05-02: 18 of 30 rows');
  });

  it('says when an output table does not exist yet', async () => {
    app = renderCoverageApp(uiPlan());
    await openMatrix(app);
    app.store
      .getState()
      .coverageCellRefreshed(
        'alpha@w1',
        { ...okResult(w1Dates, w1Dates), note: 'table does not exist yet' },
        Date.now(),
      );
    const frame = await app.waitForFrame((f) => f.includes('table does not exist yet'));
    expect(frame).toContain('0/8 expected dates (0%) · missing');
  });

  it('lists the checks under the matrix with value, range, pass or fail and the error', async () => {
    const plan = coveragePlan({
      dir: '/tmp/coverage-ui',
      windows: uiWindows,
      processors: [{ id: 'alpha', phase: '3', coverage: { table: 'nba_analytics.alpha_out' } }],
      checks: [
        { id: 'graded', title: 'Graded predictions', sql: 'SELECT 1', min: 100000, max: 110000 },
        { id: 'games', sql: 'SELECT 2', min: 130 },
        { id: 'validator', sql: 'SELECT 3', max: 0 },
      ],
    });
    app = renderCoverageApp(plan);
    await openMatrix(app);
    const state = app.store.getState();
    state.checkRefreshed('graded', { ok: true, value: 104233 }, Date.now());
    state.checkRefreshed('games', { ok: true, value: 87 }, Date.now());
    state.checkRefreshed(
      'validator',
      { ok: false, error: 'no such column: season_type' },
      Date.now(),
    );
    const frame = await app.waitForFrame((f) => f.includes('season_type'));
    const rows = lines(frame);
    const checks = rows.findIndex((line) => line.trim() === 'Checks');
    expect(checks).toBeGreaterThan(rows.findIndex((line) => line.includes('alpha')));
    expect(rows.slice(checks + 1, checks + 4).map((line) => line.trim())).toEqual([
      '✓ Graded predictions: 104,233 (100,000..110,000)',
      '✗ games: 87 (≥ 130)',
      '! validator: error: no such column: season_type',
    ]);
  });

  it("marks a running task's cell with ▶", async () => {
    app = renderCoverageApp(uiPlan());
    await openMatrix(app);
    const state = app.store.getState();
    state.coverageCellRefreshed(
      'alpha@w2',
      okResult(['2023-04-15', '2023-04-17'], ['2023-04-17']),
      Date.now(),
    );
    state.taskStarting('alpha@w2', '/tmp/alpha@w2.log');
    state.taskStarted('alpha@w2', 4242, Date.now());
    const frame = await app.waitForFrame((f) => matrixRow(f, 'alpha').includes('▶'));
    expect(matrixCells(frame, 'alpha')).toEqual(['?', '▶ 1/2 50%', '?']);
    expect(matrixCells(frame, 'beta')).toEqual(['?', '?', '?']);
  });

  it('flags ⚑ a succeeded run whose data is incomplete, in the matrix and in the COVERAGE column', async () => {
    app = renderCoverageApp(uiPlan());
    const endedAt = Date.now() - 1000;
    succeed(app, 'alpha@w1', endedAt);
    succeed(app, 'alpha@w2', endedAt);
    const state = app.store.getState();
    state.coverageCellRefreshed('alpha@w1', okResult(w1Dates, w1Missing), Date.now());
    state.coverageCellRefreshed('alpha@w2', okResult(['2023-04-15', '2023-04-17'], []), Date.now());

    const table = await app.waitForFrame((f) => tableRow(f, 'alpha', 'w1').includes('⚑'));
    expect(lines(table).some((line) => line.includes('COVERAGE'))).toBe(true);
    expect(tableRow(table, 'alpha', 'w1')).toMatch(/succeeded.*5\/8 62% ⚑\s*$/);
    expect(tableRow(table, 'alpha', 'w2')).toMatch(/succeeded.*2\/2 100%\s*$/);

    await app.press('m');
    const matrix = await app.waitForFrame(isMatrix);
    expect(matrixCells(matrix, 'alpha')).toEqual(['5/8 62% ⚑', '2/2 100%', '?']);
    expect(matrix).toContain('⚑ the last run succeeded, but the warehouse lacks 3 expected dates');
  });

  it('l/→ selects the same processor in the next window, h/← the previous one', async () => {
    app = renderCoverageApp(uiPlan(), { colours: true });
    await openMatrix(app);
    const state = app.store.getState();
    state.coverageCellRefreshed('alpha@w1', okResult(w1Dates, w1Missing), Date.now());
    state.coverageCellRefreshed('alpha@w2', okResult(['2023-04-15', '2023-04-17'], []), Date.now());
    // The selected cell is the one painted with the selection's blue background.
    const selectedCell = (frame: string) => {
      const start = frame.indexOf(blueBackground.open);
      if (start < 0) return undefined;
      return stripAnsi(frame.slice(start, frame.indexOf(blueBackground.close, start))).trim();
    };
    const detailTitle = (windowId: string) => {
      const window = uiWindows.find((w) => w.id === windowId);
      return `coverage · alpha ${windowId} (${window?.start}..${window?.end})`;
    };
    const expectSelected = async (windowId: string, cellText: string) => {
      await app!.waitForFrame(
        (f) => f.includes(detailTitle(windowId)) && selectedCell(f) === cellText,
      );
      expect(app!.store.getState().selectedTaskId).toBe(`alpha@${windowId}`);
    };

    await expectSelected('w1', '5/8 62%');
    await app.press('l');
    await expectSelected('w2', '2/2 100%');
    await app.press(arrows.right);
    await expectSelected('w3', '?');
    // No window after the last: the selection stays.
    await app.press('l', 'h');
    await expectSelected('w2', '2/2 100%');
    await app.press(arrows.left);
    await expectSelected('w1', '5/8 62%');
    await app.press(arrows.left);
    await app.press(arrows.right);
    await expectSelected('w2', '2/2 100%');
  });

  it('↓/j in the matrix selects the processor below, in the same window', async () => {
    app = renderCoverageApp(uiPlan());
    await openMatrix(app);
    await app.press('j');
    await app.waitForFrame((f) => !f.includes('coverage · alpha w1'));
    // The row below alpha is beta; the column stays w1.
    expect(app.store.getState().selectedTaskId).toBe('beta@w1');
  });

  it('c asks the coverage tracker to refresh every cell and says so', async () => {
    app = renderCoverageApp(uiPlan());
    await openMatrix(app);
    expect(app.refreshAllCalls()).toBe(0);
    await app.press('c');
    await app.waitForFrame((f) => f.includes('refreshing coverage from sqlite ./warehouse'));
    expect(app.refreshAllCalls()).toBe(1);
  });

  it('c without a coverage tracker warns instead', async () => {
    app = renderCoverageApp(uiPlan(), { withCoverage: false });
    await openMatrix(app);
    await app.press('c');
    await app.waitForFrame((f) => f.includes('no processor declares coverage in this plan'));
    expect(app.refreshAllCalls()).toBe(0);
  });

  it('m again returns to the task table', async () => {
    app = renderCoverageApp(uiPlan());
    await openMatrix(app);
    await app.press('m');
    const frame = await app.waitForFrame((f) => !isMatrix(f) && f.includes('COVERAGE'));
    expect(frame).toContain('STATUS');
    expect(tableRow(frame, 'alpha', 'w1')).toContain('pending');
    expect(frame).not.toContain('coverage · alpha');
    expect(app.store.getState().view).toBe('tasks');
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { shapedPlan } from '../support/plans.js';
import { scrollRows } from '../../src/ui/scroll-rows.js';
import { renderApp } from '../support/render-app.js';
import type { Rendered } from '../support/render-app.js';

type Row = { kind: 'phase'; title: string } | { kind: 'task'; id: string };
const heading = (title: string): Row => ({ kind: 'phase', title });
const task = (id: string): Row => ({ kind: 'task', id });
/** Phase A with 3 tasks, B with 2, C with 4: 12 rows. */
const rows: Row[] = [
  heading('A'),
  task('a1'),
  task('a2'),
  task('a3'),
  heading('B'),
  task('b1'),
  task('b2'),
  heading('C'),
  task('c1'),
  task('c2'),
  task('c3'),
  task('c4'),
];
const ids = (visible: readonly Row[]) =>
  visible.map((r) => (r.kind === 'phase' ? `[${r.title}]` : r.id));

describe('scrollRows', () => {
  it('ends on a row as it can: a heading whose rows are below gives its line to what is below', () => {
    // The first five rows end on heading B, whose rows (and C's) are below.
    expect(ids(scrollRows(rows, 1, 5, 'task').visible)).toEqual(['[A]', 'a1', 'a2', 'a3']);
    expect(scrollRows(rows, 1, 5, 'task').more).toBe(' ↓ B · 6 more tasks below');
    // Ending on a row: nothing to say.
    expect(scrollRows(rows, 1, 4, 'task')).toEqual({
      visible: rows.slice(0, 4),
      more: undefined,
    });
  });

  it('keeps the selection in view, centred when it can be, and the bottom full', () => {
    // c1 (index 8) centred in 5 lines starts at 6: b2 [C] c1 c2 c3.
    expect(ids(scrollRows(rows, 8, 5, 'task').visible)).toEqual(['b2', '[C]', 'c1', 'c2', 'c3']);
    // The last row selected: the view ends at the list's end.
    expect(ids(scrollRows(rows, 11, 5, 'task').visible)).toEqual(['[C]', 'c1', 'c2', 'c3', 'c4']);
    // Everything fits.
    expect(scrollRows(rows, 3, 20, 'task')).toEqual({ visible: rows, more: undefined });
  });

  it('counts one row as one', () => {
    const two: Row[] = [heading('A'), task('a1'), heading('B'), task('b1')];
    expect(scrollRows(two, 1, 3, 'processor').more).toBe(' ↓ B · 1 more processor below');
  });
});

let app: Rendered | undefined;
afterEach(() => app?.unmount());

/** Three phases of five processors over one window: more rows than the table has lines. */
const tallPlan = () =>
  shapedPlan({
    name: 'tall plan',
    windows: [{ id: 'w1', start: '2024-01-01', end: '2024-01-02' }],
    phases: ['1', '2', '3'].map((id) => ({ id, title: `Phase ${id} work` })),
    processors: ['1', '2', '3'].flatMap((phase) =>
      [1, 2, 3, 4, 5].map((n) => ({ id: `p${phase}_${n}`, phase })),
    ),
  });

/** Lines holding a phase heading whose next line is not one of its rows. */
const emptyHeadings = (frame: string) => {
  const lines = frame.split('\n');
  return (
    lines
      .map((line, i) => ({ line, next: lines[i + 1] ?? '' }))
      .filter(({ line }) => /^ Phase \d work/.test(line))
      // A row of the table or the matrix: a mark, the processor, then its window or cells.
      .filter(({ next }) => !/^[› ]\S? +p\d_\d\b/.test(next))
      .map(({ line, next }) => `${line.trim()} | then: ${next.trim()}`)
  );
};

describe('a table and a matrix taller than the screen', () => {
  it('never end on a bare phase heading while scrolling, and say what is below', async () => {
    app = renderApp(tallPlan());
    const first = await app.waitForFrame((f) => f.includes('p1_1'));
    const seen: string[] = [];
    let frame = first;
    for (let press = 0; press < 15; press++) {
      seen.push(...emptyHeadings(frame));
      const selected = frame.split('\n').find((l) => l.startsWith('›')) ?? '';
      await app.press('j');
      frame = await app.waitForFrame(
        (f) => (f.split('\n').find((l) => l.startsWith('›')) ?? '') !== selected || press === 14,
      );
    }
    expect(seen).toEqual([]);
    expect(first).toMatch(/↓ Phase \d work · \d+ more tasks below/);
    await app.press('m');
    const matrix = await app.waitForFrame((f) => f.includes('PROCESSOR'));
    expect(emptyHeadings(matrix)).toEqual([]);
  });
});

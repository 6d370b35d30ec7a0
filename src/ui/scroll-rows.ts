import { counted } from '../state/counted.js';

/** A grouped list's heading, or one of the rows under it. */
type GroupedRow = { kind: 'phase'; title: string } | { kind: 'task' | 'processor' };

/**
 * The rows of a grouped list (phase headings, each followed by its rows) that fit in `height`
 * lines: the selection kept in view, centred when it can be. A heading never ends the view
 * while its rows are below it, where it reads as an empty phase: that line says what is below
 * instead (`more` is its text, or undefined when the view ends on a row).
 */
export const scrollRows = <R extends GroupedRow>(
  rows: readonly R[],
  selectedIndex: number,
  height: number,
  noun: string,
): { visible: readonly R[]; more: string | undefined } => {
  const top = Math.max(0, Math.min(rows.length - height, selectedIndex - Math.floor(height / 2)));
  const visible = rows.slice(top, top + height);
  const last = visible.at(-1);
  const end = top + visible.length;
  if (last?.kind !== 'phase' || end >= rows.length) return { visible, more: undefined };
  let below = 0;
  for (let i = end; i < rows.length; i++) if (rows[i]!.kind !== 'phase') below++;
  return {
    visible: visible.slice(0, -1),
    more: ` ↓ ${last.title} · ${counted(below, `more ${noun}`)} below`,
  };
};

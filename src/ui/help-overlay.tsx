import { Box } from 'ink';
import { fitWidth, padWidth, wrapText } from './format.js';
import { keymap } from './keymap.js';
import type { KeyBinding } from './keymap.js';
import { Line } from './line.js';
import type { Paint } from './paint.js';
import { useServices } from './services-context.js';
import { theme } from './theme.js';

const groups: KeyBinding['group'][] = ['Tasks', 'Plan', 'Logs', 'View', 'General'];

/** Every key of normal mode, grouped: generated from the keymap, so it cannot drift. */
export const helpLines = (): { group: string; label: string; description: string }[] =>
  groups.flatMap((group) =>
    keymap
      .filter((b) => b.group === group && b.mode === 'normal')
      .map((b) => ({ group, label: b.label, description: b.description })),
  );

/** Width of a key's label column; a wrapped description continues under its first line. */
const labelWidth = 8;
const indent = ' '.repeat(2 + labelWidth);

/**
 * The help as blocks (a group heading, or one key with its description wrapped to `width`),
 * or cut with "…" when `wrap` is off: a description is never cut without saying so.
 */
const helpBlocks = (paint: Paint, width: number, wrap: boolean) => {
  const blocks: string[][] = [];
  let group = '';
  for (const line of helpLines()) {
    if (line.group !== group) {
      group = line.group;
      blocks.push([paint.accent(group)]);
    }
    const room = Math.max(1, width - indent.length);
    const head = `  ${padWidth(line.label, labelWidth)}`;
    if (wrap) {
      const [first = '', ...more] = wrapText(line.description, room);
      blocks.push([head + first, ...more.map((m) => indent + m)]);
    } else {
      const fits = fitWidth(line.description, room) === line.description;
      blocks.push([head + (fits ? line.description : `${fitWidth(line.description, room - 1)}…`)]);
    }
  }
  return blocks;
};

/** Splits blocks into `columns` columns of lines, never inside a block; undefined if too tall. */
const layColumns = (blocks: string[][], columns: number, room: number) => {
  const total = blocks.reduce((n, b) => n + b.length, 0);
  const target = Math.ceil(total / columns);
  const laid: string[][] = [[]];
  for (const block of blocks) {
    const column = laid[laid.length - 1]!;
    if (column.length > 0 && column.length + block.length > target && laid.length < columns)
      laid.push([...block]);
    else column.push(...block);
  }
  return laid.every((c) => c.length <= room) ? laid : undefined;
};

/** The help's rows for a screen of `width` x `height`: every key, the statuses, the colours. */
export const helpRows = (paint: Paint, width: number, height: number): string[] => {
  const footer = [
    '',
    paint.muted(
      'Statuses: ✓ succeeded · ⚠ exit 0 but dates failed · ✗ failed · ☠ killed · ■ stopping · ? ended unseen',
    ),
    paint.muted(
      `Coverage: green complete · yellow partial · red missing · magenta query error · ${theme.disagreement} run succeeded, data incomplete`,
    ),
  ];
  const room = Math.max(1, height - 1 - footer.length);
  // One column if it fits, else two; wrapped if that fits, else each description cut with "…":
  // the help must never scroll off a small terminal.
  const half = Math.floor(width / 2);
  const laid =
    layColumns(helpBlocks(paint, width, true), 1, room) ??
    layColumns(helpBlocks(paint, half - 1, true), 2, room) ??
    layColumns(helpBlocks(paint, width, false), 1, room) ??
    layColumns(helpBlocks(paint, half - 1, false), 2, Number.POSITIVE_INFINITY)!;
  const [left = [], right = []] = laid;
  const rows: string[] = [paint.bold('Keys')];
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    rows.push(
      laid.length === 2
        ? padWidth(fitWidth(left[i] ?? '', half - 1), half) + (right[i] ?? '')
        : (left[i] ?? ''),
    );
  }
  rows.push(...footer);
  return rows;
};

export const HelpOverlay = ({ width, height }: { width: number; height: number }) => {
  const { paint } = useServices();
  const rows = helpRows(paint, width, height);
  return (
    <Box flexDirection="column" height={height}>
      {rows.slice(0, height).map((text, index) => (
        <Line key={index} text={fitWidth(text, width)} />
      ))}
    </Box>
  );
};

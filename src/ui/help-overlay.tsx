import { Box } from 'ink';
import { fitWidth, padWidth } from './format.js';
import { keymap } from './keymap.js';
import type { KeyBinding } from './keymap.js';
import { Line } from './line.js';
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

export const HelpOverlay = ({ width, height }: { width: number; height: number }) => {
  const { paint } = useServices();
  const entries: string[] = [];
  let group = '';
  for (const line of helpLines()) {
    if (line.group !== group) {
      group = line.group;
      entries.push(paint.accent(group));
    }
    entries.push(`  ${padWidth(line.label, 8)}${line.description}`);
  }
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
  // Two columns when one does not fit: the help must never scroll off a small terminal.
  const columns = entries.length > room ? 2 : 1;
  const perColumn = Math.ceil(entries.length / columns);
  const columnWidth = Math.floor(width / columns);
  const rows: string[] = [paint.bold('Keys')];
  for (let i = 0; i < perColumn; i++) {
    const left = entries[i] ?? '';
    const right = columns === 2 ? (entries[i + perColumn] ?? '') : '';
    rows.push(
      columns === 2 ? padWidth(fitWidth(left, columnWidth - 1), columnWidth) + right : left,
    );
  }
  rows.push(...footer);
  return (
    <Box flexDirection="column" height={height}>
      {rows.slice(0, height).map((text, index) => (
        <Line key={index} text={fitWidth(text, width)} />
      ))}
    </Box>
  );
};

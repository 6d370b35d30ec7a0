import { Box } from 'ink';
import { fitWidth, padWidth } from './format.js';
import { keymap } from './keymap.js';
import type { KeyBinding } from './keymap.js';
import { Line } from './line.js';
import { useServices } from './services-context.js';

const groups: KeyBinding['group'][] = ['Tasks', 'Logs', 'View', 'General'];

/** Every key of normal mode, grouped: generated from the keymap, so it cannot drift. */
export const helpLines = (): { group: string; label: string; description: string }[] =>
  groups.flatMap((group) =>
    keymap
      .filter((b) => b.group === group && b.mode === 'normal')
      .map((b) => ({ group, label: b.label, description: b.description })),
  );

export const HelpOverlay = ({ width, height }: { width: number; height: number }) => {
  const { paint } = useServices();
  const rows: string[] = [paint.bold('Keys')];
  let group = '';
  for (const line of helpLines()) {
    if (line.group !== group) {
      group = line.group;
      rows.push(paint.accent(group));
    }
    rows.push(`  ${padWidth(line.label, 10)}${line.description}`);
  }
  rows.push(
    '',
    paint.muted(
      'Statuses: ✓ succeeded · ⚠ exit 0 but dates failed · ✗ failed · ☠ killed or stopped · ■ stopping',
    ),
  );
  return (
    <Box flexDirection="column" height={height}>
      {rows.slice(0, height).map((text, index) => (
        <Line key={index} text={fitWidth(text, width)} />
      ))}
    </Box>
  );
};

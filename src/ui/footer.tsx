import { memo } from 'react';
import { Box } from 'ink';
import stringWidth from 'string-width';
import { Mode } from '../state/ui-slice.js';
import { fitWidth } from './format.js';
import { keymap } from './keymap.js';
import { Line } from './line.js';
import { useAppState, useServices } from './services-context.js';

/** Most needed first: on a narrow terminal the end of the footer is cut. */
const footerOrder = [
  'help-open',
  'quit',
  'start',
  'stop',
  'restart',
  'toggle-coverage',
  'refresh-coverage',
  'toggle-split',
  'search-open',
  'follow',
  'focus-next',
  'select-up',
];
const hints = keymap
  .filter((b) => b.mode === Mode.normal && b.footer)
  .sort((a, b) => footerOrder.indexOf(a.action) - footerOrder.indexOf(b.action));

/** Key hints from the keymap, or the search prompt, or the question being asked; plus the latest notice. */
export const Footer = memo(function Footer({ width }: { width: number }) {
  const { paint } = useServices();
  const mode = useAppState((s) => s.mode);
  const draft = useAppState((s) => s.search.draft);
  const confirm = useAppState((s) => s.confirm);
  const notice = useAppState((s) => s.notice);
  let left: string;
  if (mode === Mode.search)
    left = `${paint.accent('/')}${draft}${paint.inverse(' ')}  ${paint.muted('⏎ find · Esc cancel')}`;
  else if (mode === Mode.confirm && confirm)
    left = paint.notice(
      'warn',
      confirm.actionId === 'quit' ? confirm.prompt : `${confirm.prompt} (y/n)`,
    );
  else if (mode === Mode.help) left = paint.muted('Esc or ? closes the help');
  else
    left = hints.map((b) => `${paint.accent(b.label)} ${paint.muted(b.footer ?? '')}`).join('  ');
  const right = notice && mode !== Mode.confirm ? paint.notice(notice.level, notice.text) : '';
  // The notice wins the space: it is what the operator needs to read right now.
  const shownRight = fitWidth(right, width);
  const room = Math.max(0, width - stringWidth(shownRight) - 1);
  const shownLeft = fitWidth(left, room);
  const gap = ' '.repeat(
    Math.max(right ? 1 : 0, width - stringWidth(shownLeft) - stringWidth(shownRight)),
  );
  return (
    <Box height={1}>
      <Line text={fitWidth(`${shownLeft}${gap}${shownRight}`, width)} />
    </Box>
  );
});

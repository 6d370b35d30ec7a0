/** The bell, and a desktop notification through the terminal: OSC 9 (iTerm2, kitty, WezTerm) and OSC 777 (VTE, foot). */
export const terminalAlert = (
  message: string,
  options: { bell: boolean; desktop: boolean; tmux: boolean },
): string => {
  // Control characters would end the sequence early or reach the screen.
  // eslint-disable-next-line no-control-regex
  const text = message.replace(/[\u0000-\u001f\u007f]/g, ' ').slice(0, 200);
  const sequences = [
    ...(options.desktop
      ? [
          `\u001b]9;${text}\u0007`,
          `\u001b]777;notify;backfill-console;${text.replace(/;/g, ',')}\u0007`,
        ]
      : []),
  ];
  // Inside tmux an OSC reaches the outer terminal only wrapped in a DCS passthrough.
  const wrapped = options.tmux
    ? sequences.map((s) => `\u001bPtmux;${s.split('\u001b').join('\u001b\u001b')}\u001b\\`)
    : sequences;
  return `${options.bell ? '\u0007' : ''}${wrapped.join('')}`;
};

import type { Key } from 'ink';

/** Turns Ink's (input, key) pair into the one name the keymap uses. */
export const keyName = (input: string, key: Key): string => {
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.leftArrow) return 'left';
  if (key.rightArrow) return 'right';
  if (key.pageUp) return 'pageup';
  if (key.pageDown) return 'pagedown';
  if (key.home) return 'home';
  if (key.end) return 'end';
  if (key.return || input === '\n') return 'enter';
  if (key.escape) return 'escape';
  if (key.tab) return key.shift ? 'shift-tab' : 'tab';
  if (key.backspace || key.delete) return 'backspace';
  if (key.ctrl && input) return `ctrl-${input.toLowerCase()}`;
  return input;
};

/** The key name of one raw character, for input that arrived several keys at a time. */
export const charName = (char: string): string => {
  if (char === '\r' || char === '\n') return 'enter';
  if (char === '\t') return 'tab';
  if (char === '\u007f' || char === '\b') return 'backspace';
  const code = char.charCodeAt(0);
  if (code < 32) return `ctrl-${String.fromCharCode(code + 96)}`;
  return char;
};

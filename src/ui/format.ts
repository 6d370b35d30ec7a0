import sliceAnsi from 'slice-ansi';
import stringWidth from 'string-width';

/** 75 s → "1m15s"; 2 h → "2h00m". */
export const formatDuration = (ms: number): string => {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  const hours = Math.floor(minutes / 60);
  return `${hours}h${String(minutes % 60).padStart(2, '0')}m`;
};

export const progressBar = (
  fraction: number,
  width: number,
  filled: string,
  empty: string,
): string => {
  if (width <= 0) return '';
  const clamped = Math.min(1, Math.max(0, fraction));
  const full = Math.round(clamped * width);
  return filled.repeat(full) + empty.repeat(width - full);
};

const isPlainAscii = (text: string): boolean => /^[\x20-\x7e]*$/.test(text);

/**
 * Characters that are one column wide on their own (string-width agrees for each; a test
 * checks every one): Latin, punctuation, arrows, box drawing, blocks, and the theme's
 * symbols. Anything else (CJK, emoji, combining marks, variation selectors) is measured.
 */
// prettier-ignore
export const narrowCharacters =
  /^[\x20-\x7e\xa0-\xac\xae-\u02ff\u2010-\u2029\u202f-\u205e\u2190-\u21ff\u2500-\u25fc\u23ce\u23ed\u2620\u2691\u26a0\u2713\u2717]*$/;
// eslint-disable-next-line no-control-regex
const colourCodes = /\u001b\[[\d;]*m/g;

/**
 * The width of a row whose characters are all narrow, colour codes aside; undefined
 * otherwise. Chrome rows are coloured and use a few symbols: string-width's grapheme
 * segmentation would cost ~50 µs for each of them on every frame.
 */
const narrowWidth = (text: string): number | undefined => {
  const plain = text.includes('\u001b') ? text.replace(colourCodes, '') : text;
  return narrowCharacters.test(plain) ? plain.length : undefined;
};

/**
 * Cuts text to at most `width` terminal columns. ASCII and narrow text take a fast path:
 * measuring CJK and emoji costs ~50 µs a line, so only visible lines are ever measured.
 */
export const fitWidth = (text: string, width: number): string => {
  if (width <= 0) return '';
  if (isPlainAscii(text)) return text.length <= width ? text : text.slice(0, width);
  const narrow = narrowWidth(text);
  if (narrow !== undefined && narrow <= width) return text;
  if (narrow === undefined && stringWidth(text) <= width) return text;
  // Colour codes (the only escapes the line splitter keeps) must not be cut in half.
  if (text.includes('\u001b')) return sliceAnsi(text, 0, width);
  if (narrow !== undefined) return text.slice(0, width);
  let out = '';
  let used = 0;
  for (const char of text) {
    const w = stringWidth(char);
    if (used + w > width) break;
    out += char;
    used += w;
  }
  // A character measured alone may widen with the one after it (an emoji's VS16).
  while (out && stringWidth(out) > width) out = [...out].slice(0, -1).join('');
  return out;
};

/** Cuts or pads to exactly `width` columns, so rows line up in a table. */
export const padWidth = (text: string, width: number): string => {
  const cut = fitWidth(text, width);
  const used = isPlainAscii(cut) ? cut.length : (narrowWidth(cut) ?? stringWidth(cut));
  return cut + ' '.repeat(Math.max(0, width - used));
};

/** Breaks text into lines of at most `width` columns, at spaces where it can. */
export const wrapText = (text: string, width: number): string[] => {
  if (width <= 0) return [];
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let rest = paragraph;
    while (stringWidth(rest) > width) {
      const head = fitWidth(rest, width);
      const space = head.lastIndexOf(' ');
      const cut = space > width / 3 ? space + 1 : head.length;
      lines.push(rest.slice(0, cut).trimEnd());
      rest = rest.slice(cut);
    }
    lines.push(rest);
  }
  return lines;
};

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
 * Cuts text to at most `width` terminal columns. ASCII takes a fast path: measuring
 * CJK and emoji costs ~50 µs a line, so only visible lines are ever measured.
 */
export const fitWidth = (text: string, width: number): string => {
  if (width <= 0) return '';
  if (isPlainAscii(text)) return text.length <= width ? text : text.slice(0, width);
  if (stringWidth(text) <= width) return text;
  // Colour codes (the only escapes the line splitter keeps) must not be cut in half.
  if (text.includes('\u001b')) return sliceAnsi(text, 0, width);
  let out = '';
  let used = 0;
  for (const char of text) {
    const w = stringWidth(char);
    if (used + w > width) break;
    out += char;
    used += w;
  }
  return out;
};

/** Cuts or pads to exactly `width` columns, so rows line up in a table. */
export const padWidth = (text: string, width: number): string => {
  const cut = fitWidth(text, width);
  const used = isPlainAscii(cut) ? cut.length : stringWidth(cut);
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

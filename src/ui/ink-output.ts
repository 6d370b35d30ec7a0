import sliceAnsi from 'slice-ansi';
import stringWidth from 'string-width';
import { styledCharsFromTokens, styledCharsToString, tokenize } from '@alcalzone/ansi-tokenize';
import type { StyledChar } from '@alcalzone/ansi-tokenize';

/**
 * Ink's `Output` (ink/build/output.js, Ink 6.8), the stage that turns a frame's writes into
 * rows of text, with the same result and a fraction of the work. The bundle puts it in place
 * of Ink's own module (scripts/bundle.mjs); test/ui/ink-output.test.ts checks both give the
 * same text for the same writes.
 *
 * Ink builds a grid of one object per cell for every frame, tokenizes every line written and
 * turns every row back into a string, all in caches that live for one frame. Here each row
 * remembers what was written into it (position and text, after clipping and transformers),
 * and a row written exactly as in an earlier frame takes that frame's string: a key press
 * that moves the selection rebuilds two rows of the table, not the screen. The caches live
 * across frames and are emptied when they grow past a cap.
 */

type Transformer = (line: string, index: number) => string;

type Clip = {
  x1: number | undefined;
  x2: number | undefined;
  y1: number | undefined;
  y2: number | undefined;
};

type Operation =
  | { type: 'write'; x: number; y: number; text: string; transformers: Transformer[] }
  | { type: 'clip'; clip: Clip }
  | { type: 'unclip' };

/** A map that empties itself when it holds more than `cap` entries. */
const cappedCache = <V>(cap: number) => {
  const map = new Map<string, V>();
  return {
    get: (key: string) => map.get(key),
    set: (key: string, value: V) => {
      if (map.size >= cap) map.clear();
      map.set(key, value);
    },
  };
};

// A screen holds a few hundred distinct lines (Ink is handed row marks, not the rows' text);
// the caps keep a day of changing counters bounded: a styled line is an object per cell.
const styledCharsOf = cappedCache<StyledChar[]>(1_000);
const widths = cappedCache<number>(4_000);
const blockWidths = cappedCache<number>(1_000);
const rows = cappedCache<string>(1_000);

const styledChars = (line: string): StyledChar[] => {
  let cached = styledCharsOf.get(line);
  if (cached === undefined) {
    cached = styledCharsFromTokens(tokenize(line));
    styledCharsOf.set(line, cached);
  }
  return cached;
};

const widthOf = (text: string): number => {
  let cached = widths.get(text);
  if (cached === undefined) {
    cached = stringWidth(text);
    widths.set(text, cached);
  }
  return cached;
};

const widestLine = (text: string): number => {
  let cached = blockWidths.get(text);
  if (cached === undefined) {
    cached = 0;
    for (const line of text.split('\n')) cached = Math.max(cached, widthOf(line));
    blockWidths.set(text, cached);
  }
  return cached;
};

type RowWrite = { x: number; line: string };

/** One row as Ink builds it: spaces, then each write's characters in order. */
const buildRow = (width: number, writes: RowWrite[]): string => {
  const cells: (StyledChar | undefined)[] = [];
  for (let x = 0; x < width; x++)
    cells.push({ type: 'char', value: ' ', fullWidth: false, styles: [] });
  for (const { x, line } of writes) {
    let offsetX = x;
    for (const character of styledChars(line)) {
      cells[offsetX] = character;
      // Printed width as string-width measures it, as Ink's layout does.
      const characterWidth = Math.max(1, widthOf(character.value));
      // A wide character's following cells are cleared, not left as stray spaces.
      for (let index = 1; index < characterWidth; index++) {
        cells[offsetX + index] = {
          type: 'char',
          value: '',
          fullWidth: false,
          styles: character.styles,
        };
      }
      offsetX += characterWidth;
    }
  }
  return styledCharsToString(cells.filter((c): c is StyledChar => c !== undefined)).trimEnd();
};

export default class Output {
  width: number;
  height: number;
  private readonly operations: Operation[] = [];

  constructor({ width, height }: { width: number; height: number }) {
    this.width = width;
    this.height = height;
  }

  write(x: number, y: number, text: string, { transformers }: { transformers: Transformer[] }) {
    if (!text) return;
    this.operations.push({ type: 'write', x, y, text, transformers });
  }

  clip(clip: Clip) {
    this.operations.push({ type: 'clip', clip });
  }

  unclip() {
    this.operations.push({ type: 'unclip' });
  }

  get(): { output: string; height: number } {
    const rowWrites: RowWrite[][] = Array.from({ length: this.height }, () => []);
    const clips: Clip[] = [];
    for (const operation of this.operations) {
      if (operation.type === 'clip') clips.push(operation.clip);
      else if (operation.type === 'unclip') clips.pop();
      else this.place(operation, clips.at(-1), rowWrites);
    }
    const out: string[] = [];
    for (const writes of rowWrites) {
      if (writes.length === 0) {
        out.push('');
        continue;
      }
      // Lengths make the key unambiguous whatever the text holds.
      let key = `${this.width}`;
      for (const { x, line } of writes) key += `|${x}:${line.length}:${line}`;
      let row = rows.get(key);
      if (row === undefined) {
        row = buildRow(this.width, writes);
        rows.set(key, row);
      }
      out.push(row);
    }
    return { output: out.join('\n'), height: this.height };
  }

  /** Clips a write as Ink does and records each of its lines in the row it lands on. */
  private place(
    operation: Extract<Operation, { type: 'write' }>,
    clip: Clip | undefined,
    rowWrites: RowWrite[][],
  ) {
    const { text, transformers } = operation;
    let { x, y } = operation;
    let lines = text.split('\n');
    if (clip) {
      const clipHorizontally = typeof clip.x1 === 'number' && typeof clip.x2 === 'number';
      const clipVertically = typeof clip.y1 === 'number' && typeof clip.y2 === 'number';
      // Text wholly outside the clip is skipped.
      if (clipHorizontally) {
        const width = widestLine(text);
        if (x + width < clip.x1! || x > clip.x2!) return;
      }
      if (clipVertically && (y + lines.length < clip.y1! || y > clip.y2!)) return;
      if (clipHorizontally) {
        lines = lines.map((line) => {
          const from = x < clip.x1! ? clip.x1! - x : 0;
          const width = widthOf(line);
          const to = x + width > clip.x2! ? clip.x2! - x : width;
          return sliceAnsi(line, from, to);
        });
        if (x < clip.x1!) x = clip.x1!;
      }
      if (clipVertically) {
        const from = y < clip.y1! ? clip.y1! - y : 0;
        const to = y + lines.length > clip.y2! ? clip.y2! - y : lines.length;
        lines = lines.slice(from, to);
        if (y < clip.y1!) y = clip.y1!;
      }
    }
    let offsetY = 0;
    for (const [index, original] of lines.entries()) {
      const row = rowWrites[y + offsetY];
      // A line below the frame's height is dropped, as Ink drops it.
      if (!row) continue;
      let line = original;
      for (const transformer of transformers) line = transformer(line, index);
      row.push({ x, line });
      offsetY++;
    }
  }
}

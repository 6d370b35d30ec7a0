/**
 * Rows the chrome draws are handed to Ink as short marks, and the screen writer puts the row
 * text back. Ink's output stage tokenizes every character of every row on every frame (about
 * half of a frame's cost); a mark of a few characters costs next to nothing, and the text,
 * already coloured and cut to width by the app, goes to the terminal as it is.
 *
 * A mark is private-use characters: U+E000, the row's number in digits U+E010…U+E019, U+E000.
 * Nothing a component prints contains them (the line splitter keeps only printable text and
 * colours, and log rows never pass through Ink).
 */
export type RowMarks = {
  /** The mark for this row; called by Ink while it draws the frame that shows it. */
  mark: (key: string, text: RowText) => string;
  /**
   * The frame's rows with each mark replaced by its text, timed ones at `now`; forgets rows
   * the frame no longer has.
   */
  resolve: (rows: readonly string[], now: number) => string[];
  /** Whether the rows last resolved show a clock (see `RowText`). */
  ticking: () => boolean;
};

/**
 * A row's text, or for a row that shows elapsed times or countdowns, the text at a given
 * time: the writer redraws those rows on its own clock, without a React commit or an Ink
 * frame. `ticks: false` is a text of the time of the frame that shows it, never redrawn alone.
 */
export type RowText = string | TimedText;
export type TimedText = { at: (now: number) => string; ticks: boolean };

const edge = '\uE000';
const digitBase = 0xe010;
const markPattern = /\uE000([\uE010-\uE019]+)\uE000/g;

export const createRowMarks = (): RowMarks => {
  const numbers = new Map<string, number>();
  const texts = new Map<number, RowText>();
  let next = 0;
  let ticking = false;
  return {
    mark: (key, text) => {
      let number = numbers.get(key);
      if (number === undefined) {
        number = next++;
        numbers.set(key, number);
      }
      texts.set(number, text);
      let digits = '';
      for (const digit of String(number)) digits += String.fromCharCode(digitBase + Number(digit));
      return `${edge}${digits}${edge}`;
    },
    resolve: (rows, now) => {
      const seen = new Set<number>();
      ticking = false;
      const resolved = rows.map((row) =>
        row.includes(edge)
          ? row.replace(markPattern, (_, digits: string) => {
              let number = 0;
              for (const char of digits) number = number * 10 + (char.charCodeAt(0) - digitBase);
              seen.add(number);
              const text = texts.get(number) ?? '';
              if (typeof text === 'string') return text;
              if (text.ticks) ticking = true;
              return text.at(now);
            })
          : row,
      );
      // Unmounted rows (a scrolled-away task, a closed overlay) must not pile up.
      if (texts.size > seen.size) {
        for (const number of texts.keys()) if (!seen.has(number)) texts.delete(number);
        for (const [key, number] of numbers) if (!texts.has(number)) numbers.delete(key);
      }
      return resolved;
    },
    ticking: () => ticking,
  };
};

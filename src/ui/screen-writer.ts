import { EventEmitter } from 'node:events';
import { fitWidth } from './format.js';

/**
 * Draws Ink's frames on the alternate screen by rewriting only the rows that changed, at
 * absolute positions. Ink runs in debug mode and hands each whole frame to `sink.write`:
 * its own incremental renderer draws one row low when the frame is shorter than the
 * terminal, and its standard one erases and rewrites every row on every frame.
 */
export type ScreenWriter = {
  /** Passed to Ink as its stdout: sizes and resize events come from the real terminal. */
  sink: NodeJS.WriteStream;
  /** Forget what is on screen, so the next frame is written whole (after a resize). */
  invalidate: () => void;
};

const csi = '\u001b[';
/** Synchronized output: the terminal shows the whole update at once, or ignores the mode. */
const beginUpdate = `${csi}?2026h`;
const endUpdate = `${csi}?2026l`;

export const createScreenWriter = (terminal: NodeJS.WriteStream): ScreenWriter => {
  let shown: string[] = [];
  // After a resize the terminal has reflowed what was on screen: start from a blank one.
  let clearFirst = false;
  const emitter = new EventEmitter();

  const draw = (frame: string) => {
    const rows = frame.split('\n');
    if (rows.at(-1) === '') rows.pop();
    let out = '';
    const height = Math.max(rows.length, shown.length);
    for (let row = 0; row < height; row++) {
      const text = rows[row] ?? '';
      if (text === shown[row]) continue;
      // A row wider than the terminal would wrap onto the next one behind the diff's back
      // (a frame laid out for the old width arrives right after a resize).
      out += `${csi}${row + 1};1H${fitWidth(text, terminal.columns || 80)}${csi}0m${csi}K`;
    }
    shown = rows;
    if (clearFirst) {
      out = `${csi}2J${out}`;
      clearFirst = false;
    }
    if (out) terminal.write(beginUpdate + out + endUpdate);
  };

  const onResize = () => {
    shown = [];
    clearFirst = true;
    emitter.emit('resize');
  };
  terminal.on('resize', onResize);

  // Getters, not copies: Ink and the hooks read the size after every resize.
  const sink = Object.defineProperties(emitter, {
    isTTY: { value: true },
    write: {
      value: (chunk: string | Uint8Array) => {
        draw(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
        return true;
      },
    },
    columns: { get: () => terminal.columns },
    rows: { get: () => terminal.rows },
  }) as unknown as NodeJS.WriteStream;

  return {
    sink,
    invalidate: () => {
      shown = [];
    },
  };
};

import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { helpLines, helpRows } from '../../src/ui/help-overlay.js';
import { createPaint } from '../../src/ui/paint.js';

const paint = createPaint(new Chalk({ level: 0 }));
const squeeze = (text: string) => text.replace(/\s+/g, ' ').trim();

/** The help's text read column by column (left column first), whitespace squeezed. */
const columnText = (rows: string[], width: number) => {
  const half = Math.floor(width / 2);
  const two = rows.some((r) => r.length > half && r.slice(half).trim() !== '');
  const left = rows.map((r) => (two ? r.slice(0, half) : r)).join('\n');
  const right = two ? rows.map((r) => r.slice(half)).join('\n') : '';
  return squeeze(`${left}\n${right}`);
};

describe('the help overlay', () => {
  it('at 120x36 shows every key description whole (wrapped in its column) and fits the screen', () => {
    const rows = helpRows(paint, 120, 36);
    expect(rows.length).toBeLessThanOrEqual(36);
    expect(rows.every((r) => r.length <= 120)).toBe(true);
    const text = columnText(rows, 120);
    for (const line of helpLines()) expect(text).toContain(squeeze(line.description));
  });

  it('on a screen too small for whole descriptions, marks every cut one with …', () => {
    const rows = helpRows(paint, 80, 24);
    expect(rows.length).toBeLessThanOrEqual(24);
    const text = columnText(rows, 80);
    const cut = helpLines().filter((l) => !text.includes(squeeze(l.description)));
    expect(cut.length).toBeGreaterThan(0);
    for (const line of cut) expect(text).toContain(`${squeeze(line.description).slice(0, 12)}`);
    expect(text.split('…').length - 1).toBeGreaterThanOrEqual(cut.length);
  });
});

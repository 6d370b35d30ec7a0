import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { fitWidth, narrowCharacters, padWidth } from '../../src/ui/format.js';

describe('row widths', () => {
  it('counts one column for every character the fast path treats as narrow, as string-width does', () => {
    const wrong: string[] = [];
    for (let code = 0x20; code <= 0x27bf; code++) {
      const char = String.fromCodePoint(code);
      if (narrowCharacters.test(char) && stringWidth(char) !== 1) wrong.push(code.toString(16));
    }
    expect(wrong).toEqual([]);
  });

  it('cuts and pads coloured rows with symbols, CJK and emoji to the columns string-width counts', () => {
    const rows = [
      '\u001b[36m›▶ alpha\u001b[39m  w1  \u001b[32m████░░░░\u001b[39m 3/5 ✓1 ✗1 ↷0 — ⚑',
      'plain ascii row that is long enough to be cut somewhere in the middle of it',
      '数据 backfill 🚀 done ✓',
      'e\u0301 combining, and ⚠\ufe0f with a variation selector',
    ];
    for (const row of rows) {
      for (const width of [5, 12, 30, 200]) {
        expect(stringWidth(fitWidth(row, width))).toBeLessThanOrEqual(width);
        expect(stringWidth(padWidth(row, width))).toBe(Math.max(width, 0));
      }
      expect(fitWidth(row, 200)).toBe(row);
    }
  });
});

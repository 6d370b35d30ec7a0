import { describe, expect, it } from 'vitest';
import {
  createLineSplitter,
  sanitizeLine,
  stripAnsi,
} from '../../src/runner/logs/line-splitter.js';

const ESC = '\u001b';
const BEL = '\u0007';

/** Feeds chunks through one splitter and returns every line, the end-of-stream one included. */
const split = (chunks: (string | Buffer)[], maxLineBytes?: number): string[] => {
  const splitter = createLineSplitter(maxLineBytes === undefined ? {} : { maxLineBytes });
  const lines: string[] = [];
  for (const chunk of chunks)
    lines.push(...splitter.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk)));
  lines.push(...splitter.flush());
  return lines;
};

describe('createLineSplitter', () => {
  it('joins a line split across chunks and keeps the partial tail until flush', () => {
    const splitter = createLineSplitter();
    expect(splitter.push(Buffer.from('Processing day 3/6'))).toEqual([]);
    expect(splitter.push(Buffer.from('3: 2022-04-18\n  ✓ Succ'))).toEqual([
      'Processing day 3/63: 2022-04-18',
    ]);
    expect(splitter.flush()).toEqual(['  ✓ Succ']);
    expect(splitter.flush()).toEqual([]);
  });

  it('decodes a multibyte character split across chunks', () => {
    const bytes = Buffer.from('  ✓ Success\n⚠️ 📊\n');
    // Cut inside ✓ (3 bytes) and inside 📊 (4 bytes).
    const cuts = [3, bytes.indexOf(Buffer.from('📊')) + 2];
    const lines = split([
      bytes.subarray(0, cuts[0]),
      bytes.subarray(cuts[0], cuts[1]),
      bytes.subarray(cuts[1]),
    ]);
    expect(lines).toEqual(['  ✓ Success', '⚠️ 📊']);
  });

  it('drops the \\r of CRLF, also when \\r and \\n arrive in different chunks', () => {
    expect(split(['one\r\ntwo\r', '\nthree\r\n'])).toEqual(['one', 'two', 'three']);
  });

  it('keeps only the last redraw of a carriage-return progress bar', () => {
    expect(split(['a\rb\rc\n'])).toEqual(['c']);
    expect(split(['10%\r', '50%\r', '100%\r', '\ndone\n'])).toEqual(['100%', 'done']);
  });

  it('does not let redraws without a newline grow the pending line', () => {
    const splitter = createLineSplitter({ maxLineBytes: 100 });
    for (let i = 0; i < 1000; i++) splitter.push(Buffer.from(`\r${i}% done`));
    expect(splitter.pendingBytes()).toBe('999% done'.length);
    expect(splitter.flush()).toEqual(['999% done']);
  });

  it('makes NUL bytes visible as U+2400', () => {
    expect(split([Buffer.from([0x61, 0x00, 0x62, 0x0a])])).toEqual(['a\u2400b']);
  });

  it('turns invalid UTF-8 into U+FFFD, including a truncated character at end of stream', () => {
    expect(split([Buffer.from([0x61, 0xff, 0x62, 0x0a, 0xe2, 0x9c])])).toEqual([
      'a\ufffdb',
      '\ufffd',
    ]);
  });

  it('caps a 1 MB line without a newline and never holds more than the cap', () => {
    const splitter = createLineSplitter({ maxLineBytes: 1024 });
    const chunk = Buffer.alloc(64 * 1024, 'x');
    for (let i = 0; i < 16; i++) {
      expect(splitter.push(chunk)).toEqual([]);
      expect(splitter.pendingBytes()).toBeLessThanOrEqual(1024);
    }
    const [line, next] = splitter.push(Buffer.from('\nnext\n'));
    expect(line).toBe(`${'x'.repeat(1024)} …[+${1024 * 1024 - 1024} bytes]`);
    expect(next).toBe('next');
  });

  it('cuts an overlong line on a character boundary', () => {
    // 3-byte characters: 10 bytes fit three of them.
    expect(split(['✓✓✓✓✓\n'], 10)).toEqual(['✓✓✓ …[+6 bytes]']);
  });

  it('cuts a line that fits no newline at end of stream too', () => {
    expect(split(['abcdefgh'], 4)).toEqual(['abcd …[+4 bytes]']);
  });

  it('drops cursor moves, clear screen and the alternate screen but keeps colours', () => {
    const raw = `${ESC}[?1049h${ESC}[2J${ESC}[H${ESC}[31mFAILED${ESC}[0m ${ESC}[1;32mok${ESC}[m${ESC}[5A${ESC}7${ESC}(B\n`;
    expect(split([raw])).toEqual([`${ESC}[31mFAILED${ESC}[0m ${ESC}[1;32mok${ESC}[m`]);
  });

  it('drops an OSC title ended by BEL or ST, and a DCS string', () => {
    const raw = `${ESC}]0;my title${BEL}a${ESC}]2;other${ESC}\\b${ESC}Pq#0;2;0;0;0${ESC}\\c\n`;
    expect(split([raw])).toEqual(['abc']);
  });

  it('drops an escape sequence split across chunks', () => {
    expect(split([`x${ESC}[`, `2Ky${ESC}`, `[32mz\n`])).toEqual([`xy${ESC}[32mz`]);
  });

  it('drops other control characters but keeps tabs', () => {
    expect(split(['a\u0007b\u0008c\td\u007f\u009be\n'])).toEqual(['abc\td']);
  });
});

describe('sanitizeLine and stripAnsi', () => {
  it('sanitizeLine keeps SGR while stripAnsi removes it', () => {
    const line = `${ESC}[31mred${ESC}[0m${ESC}[2K`;
    expect(sanitizeLine(line)).toBe(`${ESC}[31mred${ESC}[0m`);
    expect(stripAnsi(line)).toBe('red');
  });

  it('return a clean line unchanged', () => {
    const line = '  ✓ Success: 481 records';
    expect(stripAnsi(line)).toBe(line);
    expect(sanitizeLine(line)).toBe(line);
  });
});

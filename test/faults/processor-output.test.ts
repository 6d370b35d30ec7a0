/**
 * Faults in what a processor prints: floods, broken bytes, runaway lines, terminal escapes and
 * carriage-return progress bars. Real children under the real supervisor; the log file is judged
 * byte for byte and the in-memory tail line for line.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { TaskStatus } from '../../src/state/task-status.js';
import { startHarness } from '../support/runner-harness.js';
import { waitFor } from '../support/wait-for.js';
import { faultFixture, sharedFixture } from './support.js';

const consolePrefix = '[backfill-console]';

let harness: ReturnType<typeof startHarness> | undefined;
afterEach(async () => {
  await harness?.tearDown();
  harness = undefined;
});

const finished = (id: string) => harness!.finished(id);

/** The tail without the console's own lines: what the task printed, as the pane shows it. */
const taskTail = (id: string) => harness!.tail(id).filter((l) => !l.startsWith(consolePrefix));

/**
 * The log file's bytes without the console's own lines: exactly what the task wrote, when every
 * line the console adds starts a line of its own.
 */
const taskBytes = (file: string): Buffer => {
  const bytes = readFileSync(file);
  const kept: Buffer[] = [];
  let start = 0;
  while (start < bytes.length) {
    const newline = bytes.indexOf(0x0a, start);
    const end = newline === -1 ? bytes.length : newline + 1;
    const line = bytes.subarray(start, end);
    if (!line.toString('latin1').startsWith(consolePrefix)) kept.push(line);
    start = end;
  }
  return Buffer.concat(kept);
};

const hex = (text: string | Buffer) =>
  (typeof text === 'string' ? Buffer.from(text, 'utf8') : text).toString('hex');

describe('a processor that floods its log', () => {
  it('keeps all 1,000,000 lines in the file in order while the tail stays capped', async () => {
    harness = startHarness([{ id: 'p', command: ['node', sharedFixture('flood.mjs'), '1000000'] }]);
    harness.supervisor.start('p@w1');
    const task = await waitFor('exit', finished('p'), 60_000);
    expect(task).toMatchObject({ status: TaskStatus.succeeded, exitCode: 0 });

    const lines = harness.logLines('p');
    expect(lines).toHaveLength(1_000_000);
    expect(lines[0]).toBe('line 1');
    expect(lines[999_999]).toBe('line 1000000');
    expect(lines[123_456]).toBe('line 123457');
    const outOfOrder = lines.findIndex((line, i) => line !== `line ${i + 1}`);
    expect(outOfOrder).toBe(-1);

    const ring = harness.logBook.ring('p@w1');
    expect(ring.end() - ring.first()).toBeLessThanOrEqual(ring.maxLines);
    expect(ring.bytes()).toBeLessThanOrEqual(ring.maxBytes);
    expect(ring.end()).toBeGreaterThanOrEqual(1_000_000);
    // The newest lines are the ones kept.
    expect(taskTail('p').at(-1)).toBe('line 1000000');
  }, 90_000);
});

describe('a processor that prints bytes that are not UTF-8', () => {
  it('keeps the raw bytes in the file and shows U+FFFD and ␀ in the tail', async () => {
    const chunks = [
      Buffer.concat([Buffer.from('ok '), Buffer.from([0xff, 0xfe]), Buffer.from(' bad\n')]),
      Buffer.concat([Buffer.from('nul'), Buffer.from([0x00]), Buffer.from('byte\n')]),
      Buffer.concat([Buffer.from('overlong '), Buffer.from([0xc0, 0xaf]), Buffer.from('\n')]),
      Buffer.concat([Buffer.from('cut '), Buffer.from([0xe2, 0x82]), Buffer.from('\n')]),
      // A valid euro sign split across two writes far enough apart to land in different ticks.
      Buffer.concat([Buffer.from('euro '), Buffer.from([0xe2, 0x82])]),
      Buffer.concat([Buffer.from([0xac]), Buffer.from(' whole\n')]),
      Buffer.from('after\n'),
    ];
    const args = chunks.flatMap((chunk, i) => (i === 5 ? ['pause:150', hex(chunk)] : [hex(chunk)]));
    harness = startHarness([
      { id: 'p', command: ['node', faultFixture('raw-bytes.mjs'), ...args] },
    ]);
    harness.supervisor.start('p@w1');
    const task = await waitFor('exit', finished('p'));
    expect(task.status).toBe(TaskStatus.succeeded);

    expect(taskBytes(task.logFile!).equals(Buffer.concat(chunks))).toBe(true);
    expect(taskTail('p')).toEqual([
      'ok \uFFFD\uFFFD bad',
      'nul\u2400byte',
      'overlong \uFFFD\uFFFD',
      'cut \uFFFD',
      'euro € whole',
      'after',
    ]);
  });
});

describe('a processor that prints one 1 MB line with no newline and exits', () => {
  const payloadBytes = 1024 * 1024;
  const start = () => {
    harness = startHarness([
      { id: 'p', command: ['node', faultFixture('long-line.mjs'), String(payloadBytes)] },
    ]);
    harness.supervisor.start('p@w1');
    return waitFor('exit', finished('p'));
  };

  it('keeps all 1 MB in the file; the tail holds one cut line with the …[+N bytes] marker', async () => {
    const task = await start();
    expect(task.status).toBe(TaskStatus.succeeded);

    const file = readFileSync(task.logFile!, 'latin1');
    const runs = file.match(/x+/g) ?? [];
    expect(runs.map((r) => r.length).filter((n) => n > 1000)).toEqual([payloadBytes]);

    const tail = taskTail('p');
    expect(tail).toHaveLength(1);
    const [line = ''] = tail;
    const marker = /^(x+) …\[\+(\d+) bytes\]$/.exec(line);
    expect(marker).not.toBeNull();
    const kept = marker![1]!.length;
    expect(kept).toBeLessThanOrEqual(64 * 1024);
    expect(kept + Number(marker![2])).toBe(payloadBytes);
    // The ring holds the cut line, never the whole megabyte.
    expect(harness!.logBook.ring('p@w1').bytes()).toBeLessThan(80 * 1024);
  });

  it("starts the console's exit note on a line of its own after the unterminated last line", async () => {
    const task = await start();
    const lines = readFileSync(task.logFile!, 'latin1').split('\n');
    const exitNote = lines.findIndex((l) => l.includes(`${consolePrefix} exit 0 after`));
    expect(exitNote).toBeGreaterThan(0);
    // The note is a console line a reader can find by its prefix, not glued onto the task's text.
    expect(lines[exitNote]!.slice(0, consolePrefix.length)).toBe(consolePrefix);
    expect(lines[exitNote - 1]).toBe('x'.repeat(payloadBytes));
  });
});

describe('a processor that prints terminal control sequences', () => {
  it('drops every escape but SGR colours from the tail, and keeps the raw bytes in the file', async () => {
    harness = startHarness([{ id: 'p', command: ['node', faultFixture('escape-storm.mjs')] }]);
    harness.supervisor.start('p@w1');
    const task = await waitFor('exit', finished('p'));
    expect(task.status).toBe(TaskStatus.succeeded);

    const tail = taskTail('p');
    expect(tail).toEqual([
      'cleared',
      'alt screen',
      'title',
      'title st',
      'upherethere',
      'saved',
      'c1csi',
      'link',
      'bell back vt ff',
      '\u001b[31mred\u001b[0m and \u001b[1;32mbold green\u001b[0m',
      '\u001b[38;5;196m256\u001b[0m \u001b[38;2;255;0;0mtruecolor\u001b[0m',
      '\u001b[41mred background left open',
    ]);
    // eslint-disable-next-line no-control-regex -- looking for control characters is the point
    const sgr = /\u001b\[[\d;]*m/g;
    // eslint-disable-next-line no-control-regex -- looking for control characters is the point
    const control = /[\u0000-\u001f\u007f-\u009f]/;
    for (const line of tail) {
      expect(line.replace(sgr, ''), JSON.stringify(line)).not.toMatch(control);
    }
    const file = readFileSync(task.logFile!, 'utf8');
    expect(file).toContain('\u001b]0;pwned\u0007title');
    expect(file).toContain('\u001b[2J\u001b[Hcleared');
  });
});

describe('a processor that draws a progress bar with carriage returns', () => {
  it('shows one line with the last state, also when the redraws arrive in different ticks', async () => {
    harness = startHarness([
      {
        id: 'p',
        command: [
          'node',
          faultFixture('raw-bytes.mjs'),
          hex('a 10%\ra 20%\ra 30%\n'),
          hex('b 10%\r'),
          'pause:120',
          hex('b 20%\r'),
          'pause:120',
          hex('b 30%\n'),
          hex('windows line\r\n'),
        ],
      },
    ]);
    harness.supervisor.start('p@w1');
    const task = await waitFor('exit', finished('p'));
    expect(task.status).toBe(TaskStatus.succeeded);
    expect(taskTail('p')).toEqual(['a 30%', 'b 30%', 'windows line']);
    expect(taskBytes(task.logFile!).toString('utf8')).toBe(
      'a 10%\ra 20%\ra 30%\nb 10%\rb 20%\rb 30%\nwindows line\r\n',
    );
  });
});

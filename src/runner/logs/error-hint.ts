import stripAnsi from 'strip-ansi';
import type { LogRing } from '../../state/log-ring.js';

/** How far back from the end of a failed run's log to look for what went wrong. */
const lookBackLines = 200;

const errorPattern =
  /\b(error|exception|failed|fatal)\b|❌|Traceback|not found|Permission denied|cannot execute/i;
const consolePrefix = '[backfill-console]';

/**
 * The last line of the log that looks like the cause of a failure ("BadRequest: 400 …",
 * "❌ PRE-FLIGHT CHECK FAILED …"), so the table says why without opening the log.
 */
export const lastErrorLine = (ring: LogRing): string | undefined => {
  const stop = Math.max(ring.first(), ring.end() - lookBackLines);
  const lines: string[] = [];
  for (let seq = stop; seq < ring.end(); seq++) {
    const line = ring.at(seq);
    if (line === undefined || line.startsWith(consolePrefix)) continue;
    const plain = withoutLogPrefix(stripAnsi(line)).trimEnd();
    if (plain.trim()) lines.push(plain);
  }
  // A traceback names its exception on the first unindented line after the frames.
  const traceback = lines
    .map((l) => l.startsWith('Traceback (most recent call last)'))
    .lastIndexOf(true);
  if (traceback >= 0) {
    const exception = lines
      .slice(traceback + 1)
      .find((l) => !/^\s/.test(l) && !/^During handling/.test(l));
    return exception ?? lines[traceback];
  }
  return [...lines]
    .reverse()
    .find((l) => errorPattern.test(l))
    ?.trim();
};

/** Drops `INFO:__main__:` or `2026-02-10 10:11:12,345 - [name - ]ERROR - `: the message is what counts. */
const withoutLogPrefix = (line: string): string =>
  line.replace(
    /^(\d{4}-\d{2}-\d{2} [\d:,.]+ - )([\w.]+ - )?(DEBUG|INFO|WARNING|ERROR|CRITICAL) - |^(DEBUG|INFO|WARNING|ERROR|CRITICAL):[\w.]+:/,
    '',
  );

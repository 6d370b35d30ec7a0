import stripAnsi from 'strip-ansi';
import type { LogRing } from '../state/log-ring.js';

/** How far back from the end of a failed run's log to look for what went wrong. */
const lookBackLines = 200;

const errorPattern = /\b(error|exception|failed|fatal)\b|❌|Traceback/i;
const consolePrefix = '[backfill-console]';

/**
 * The last line of the log that looks like the cause of a failure ("BadRequest: 400 …",
 * "❌ PRE-FLIGHT CHECK FAILED …"), so the table says why without opening the log.
 */
export const lastErrorLine = (ring: LogRing): string | undefined => {
  const stop = Math.max(ring.first(), ring.end() - lookBackLines);
  // Walking back, the last unindented line seen is what follows a traceback: its exception.
  let lastUnindented: string | undefined;
  let lastErrorLike: string | undefined;
  for (let seq = ring.end() - 1; seq >= stop; seq--) {
    const line = ring.at(seq);
    if (line === undefined || line.startsWith(consolePrefix)) continue;
    const plain = withoutLogPrefix(stripAnsi(line)).trimEnd();
    if (!plain.trim()) continue;
    if (plain.startsWith('Traceback (most recent call last)')) return lastUnindented ?? plain;
    if (!/^\s/.test(plain) && !/^During handling/.test(plain)) lastUnindented ??= plain;
    if (errorPattern.test(plain)) lastErrorLike ??= plain.trim();
  }
  return lastErrorLike;
};

/** Drops `INFO:__main__:` or `2026-02-10 10:11:12,345 - [name - ]ERROR - `: the message is what counts. */
const withoutLogPrefix = (line: string): string =>
  line.replace(
    /^(\d{4}-\d{2}-\d{2} [\d:,.]+ - )([\w.]+ - )?(DEBUG|INFO|WARNING|ERROR|CRITICAL) - |^(DEBUG|INFO|WARNING|ERROR|CRITICAL):[\w.]+:/,
    '',
  );

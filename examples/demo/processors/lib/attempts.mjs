// Counts how often a processor has attempted a date, so a demo failure happens on the first
// attempt only and a "fill gaps" re-run succeeds. One JSON object per line, appended: several
// processors append at once, and O_APPEND keeps each small line whole without a lock.
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { warehouseDir } from './warehouse.mjs';

const attemptsFile = () => path.join(warehouseDir(), '.demo-attempts.jsonl');

const previousAttempts = (processor, date) => {
  let text;
  try {
    text = readFileSync(attemptsFile(), 'utf8');
  } catch {
    return 0;
  }
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      try {
        return JSON.parse(line);
      } catch {
        return {};
      }
    })
    .filter((entry) => entry.processor === processor && entry.date === date).length;
};

/** Records one attempt and returns its number (1 on the first attempt). */
export const recordAttempt = (processor, date) => {
  const attempt = previousAttempts(processor, date) + 1;
  mkdirSync(warehouseDir(), { recursive: true });
  appendFileSync(
    attemptsFile(),
    `${JSON.stringify({ processor, date, attempt, at: new Date().toISOString() })}\n`,
  );
  return attempt;
};

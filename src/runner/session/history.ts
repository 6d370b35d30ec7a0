import {
  closeSync,
  constants,
  existsSync,
  fsync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
} from 'node:fs';
import path from 'node:path';
import type { RunRecord } from '../../state/run-history.js';
import { appendAllSync } from './state-write-problem.js';

export const historyName = 'history.jsonl';

export type HistoryLimits = {
  /** The live file is rotated once it passes this size. @default 1 MiB */
  maxBytes?: number;
  /** Rotated files kept (history.1.jsonl newest … history.N.jsonl oldest). @default 5 */
  keep?: number;
};

const defaults = { maxBytes: 1024 * 1024, keep: 5 };

const rotated = (stateDir: string, n: number) => path.join(stateDir, `history.${n}.jsonl`);

/**
 * Appends one record durably and whole (a failed write cuts the file back to where it was):
 * O_APPEND (whole lines, even with a second writer), then an fsync in the background.
 * Returns a message when rotation had to drop the oldest file, so the loss is said.
 */
export const appendRunRecord = (
  stateDir: string,
  record: RunRecord,
  limits: HistoryLimits = {},
): string | undefined => {
  const { maxBytes, keep } = { ...defaults, ...limits };
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const file = path.join(stateDir, historyName);
  const dropped = rotateIfFull(stateDir, file, maxBytes, keep);
  const fd = openSync(
    file,
    constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW,
    0o600,
  );
  try {
    appendAllSync(fd, `${JSON.stringify(record)}\n`, { fsync: false });
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  // Once written, the line is the kernel's: a crashed or killed console loses nothing. The
  // fsync (for a crash of the machine) runs off the event loop: one per run end, waited for,
  // held up every launch when 50 short tasks at once end dozens of times a second.
  fsync(fd, () => closeSync(fd));
  return dropped;
};

const rotateIfFull = (
  stateDir: string,
  file: string,
  maxBytes: number,
  keep: number,
): string | undefined => {
  let size = 0;
  try {
    size = statSync(file).size;
  } catch {
    return undefined;
  }
  if (size < maxBytes) return undefined;
  let dropped: string | undefined;
  const oldest = rotated(stateDir, keep);
  if (existsSync(oldest)) {
    unlinkSync(oldest);
    dropped = `run history: dropped the oldest file ${path.basename(oldest)} (keeps ${keep} rotated files of ${Math.round(maxBytes / 1024)} KB)`;
  }
  for (let n = keep - 1; n >= 1; n--) {
    if (existsSync(rotated(stateDir, n)))
      renameSync(rotated(stateDir, n), rotated(stateDir, n + 1));
  }
  renameSync(file, rotated(stateDir, 1));
  return dropped;
};

export type HistoryRead = { records: RunRecord[]; unreadable: number };

const isRecord = (value: unknown): value is RunRecord => {
  const r = value as Partial<RunRecord> | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    r.v === 1 &&
    typeof r.task === 'string' &&
    typeof r.status === 'string' &&
    typeof r.endedAt === 'number' &&
    typeof r.startedAt === 'number'
  );
};

/**
 * The records of the live file and the newest rotated one, oldest first: enough for the last
 * runs of every task. Lines that are not records (a torn last line) are counted, not fatal.
 */
export const readHistory = (stateDir: string): HistoryRead => {
  const records: RunRecord[] = [];
  let unreadable = 0;
  for (const file of [rotated(stateDir, 1), path.join(stateDir, historyName)]) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      try {
        const parsed: unknown = JSON.parse(line);
        if (isRecord(parsed)) records.push(parsed);
        else unreadable++;
      } catch {
        unreadable++;
      }
    }
  }
  return { records, unreadable };
};

/** Every task's last run, for `status --json`. */
export const lastRuns = (records: readonly RunRecord[]): Map<string, RunRecord> => {
  const last = new Map<string, RunRecord>();
  for (const record of records) last.set(record.task, record);
  return last;
};

// Python-style output. Logging goes to stderr and print() to stdout, both written with
// blocking writes: the console gives both streams the same file, so each line must land
// in the order it was produced (Python with PYTHONUNBUFFERED=1).
import { writeSync } from 'node:fs';

const STDOUT = 1;
const STDERR = 2;

/** Writes all of `text` to `fd`, retrying when a non-blocking pipe is momentarily full. */
export const writeAll = (fd, text) => {
  let buffer = Buffer.from(text, 'utf8');
  while (buffer.length > 0) {
    try {
      const written = writeSync(fd, buffer);
      buffer = buffer.subarray(written);
    } catch (error) {
      if (error.code !== 'EAGAIN') throw error;
    }
  }
};

/** Python's print(): one line to stdout. */
export const print = (text = '') => writeAll(STDOUT, `${text}\n`);

const pad = (n, width = 2) => String(n).padStart(width, '0');

/** `2026-02-10 10:11:12,345` in local time, like logging's default asctime. */
export const asctime = (now = new Date()) =>
  `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())} ` +
  `${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())},${pad(now.getMilliseconds(), 3)}`;

/**
 * The three logging.basicConfig formats the real scripts use:
 * - `basic`:      `INFO:__main__:msg`                     (no format given)
 * - `time`:       `2026-02-10 10:11:12,345 - INFO - msg`
 * - `time-name`:  `2026-02-10 10:11:12,345 - __main__ - INFO - msg`
 */
const FORMATS = {
  basic: (level, name, msg) => `${level}:${name}:${msg}`,
  time: (level, _name, msg) => `${asctime()} - ${level} - ${msg}`,
  'time-name': (level, name, msg) => `${asctime()} - ${name} - ${level} - ${msg}`,
};

/**
 * A logger like `logging.getLogger(__name__)`. A message with embedded newlines keeps its
 * prefix on the first line only, and `exc_info` appends a traceback without prefixes.
 */
export const createLogger = (style, name = '__main__') => {
  const format = FORMATS[style];
  if (!format) throw new Error(`unknown log style ${style}`);
  const emit = (level) => (msg, traceback) =>
    writeAll(STDERR, `${format(level, name, msg)}\n${traceback ? `${traceback}\n` : ''}`);
  return { info: emit('INFO'), warning: emit('WARNING'), error: emit('ERROR') };
};

const REPO = '/srv/nba-stats-scraper';
const SITE = `${REPO}/.venv/lib/python3.12/site-packages`;

/** Frames of a BigQuery call failing deep inside the client library. */
const bigQueryFrames = (callerFile, callerLine, callerFunction, callerCode, base) => [
  [callerFile, callerLine, callerFunction, callerCode],
  [`${REPO}/data_processors/${base}`, 312, 'run', 'self.extract_raw_data()'],
  [
    `${REPO}/shared/utils/bigquery_utils.py`,
    88,
    'execute_query',
    'return self.client.query(query).to_dataframe()',
    '           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^',
  ],
  [
    `${SITE}/google/cloud/bigquery/job/query.py`,
    2053,
    'to_dataframe',
    'query_result = wait_for_query(self, progress_bar_type, max_results=max_results)',
  ],
  [
    `${SITE}/google/cloud/bigquery/_tqdm_helpers.py`,
    107,
    'wait_for_query',
    'return query_job.result(max_results=max_results)',
  ],
  [`${SITE}/google/cloud/bigquery/job/query.py`, 1681, 'result', 'while not is_job_done():'],
  [
    `${SITE}/google/api_core/retry/retry_unary.py`,
    293,
    'retry_wrapped_func',
    'return retry_target(',
  ],
  [`${SITE}/google/api_core/retry/retry_unary.py`, 153, 'retry_target', '_retry_error_helper('],
  [
    `${SITE}/google/api_core/retry/retry_base.py`,
    212,
    '_retry_error_helper',
    'raise final_exc from source_exc',
  ],
  [`${SITE}/google/api_core/retry/retry_unary.py`, 144, 'retry_target', 'result = target()'],
  [`${SITE}/google/cloud/bigquery/job/query.py`, 1630, 'is_job_done', 'raise job_failed_exception'],
];

/**
 * A CPython traceback. `frames` are [file, line, function, code, carets?]; the exception line
 * is `module.Class: message`, followed by BigQuery's `Location` / `Job ID` trailer when given.
 */
export const formatTraceback = (frames, exceptionType, message, jobId) => {
  const lines = ['Traceback (most recent call last):'];
  for (const [file, line, fn, code, carets] of frames) {
    lines.push(`  File "${file}", line ${line}, in ${fn}`, `    ${code}`);
    if (carets) lines.push(`    ${carets}`);
  }
  lines.push(`${exceptionType}: ${message}`);
  if (jobId) lines.push('', 'Location: US', `Job ID: ${jobId}`);
  return lines.join('\n');
};

/** A traceback for a BigQuery error raised while a processor ran one date. */
export const bigQueryTraceback = ({
  script,
  line,
  fn,
  code,
  exceptionType,
  message,
  jobId,
  base = 'precompute/precompute_base.py',
  outer = [],
}) =>
  formatTraceback(
    [
      ...outer.map(([l, f, c]) => [`${REPO}/${script}`, l, f, c]),
      ...bigQueryFrames(`${REPO}/${script}`, line, fn, code, base),
    ],
    exceptionType,
    message,
    jobId,
  );

/** The traceback of `datetime.strptime(value, '%Y-%m-%d')` failing in main(); Python exits 1. */
export const strptimeTraceback = (script, value, line) =>
  formatTraceback(
    [
      [`${REPO}/${script}`, line + 23, '<module>', 'main()'],
      [
        `${REPO}/${script}`,
        line,
        'main',
        "start_date = datetime.strptime(args.start_date, '%Y-%m-%d').date()",
        '             ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^',
      ],
      [
        '/usr/lib/python3.12/_strptime.py',
        554,
        '_strptime_datetime',
        'tt, fraction, gmtoff_fraction = _strptime(data_string, format)',
        '                                ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^',
      ],
      [
        '/usr/lib/python3.12/_strptime.py',
        333,
        '_strptime',
        'raise ValueError("time data %r does not match format %r" %',
      ],
    ],
    'ValueError',
    `time data '${value}' does not match format '%Y-%m-%d'`,
  );

/** Where checkpoint paths and `python <file>` hints point. */
export const scriptPath = (script) => `${REPO}/${script}`;

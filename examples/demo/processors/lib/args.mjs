// A small argparse look-alike: the same usage line, the same error messages and exit
// status 2, so a wrong flag in a plan fails the way the Python scripts fail.
import { print, writeAll } from './output.mjs';

/** argparse wraps usage to the terminal width minus 2; COLUMNS or 80 when not a terminal. */
const textWidth = () => Math.max((Number(process.env.COLUMNS) || 80) - 2, 11);

const invocation = (o) => (o.kind === 'flag' ? o.flag : `${o.flag} ${o.metavar}`);
const metavarOf = (o) =>
  o.metavar ??
  (o.choices ? `{${o.choices.join(',')}}` : o.flag.slice(2).toUpperCase().replaceAll('-', '_'));

/** The same line breaking as argparse.HelpFormatter._format_usage. */
const formatUsage = (prog, options) => {
  const prefix = 'usage: ';
  const parts = [
    '[-h]',
    ...options.map((o) => (o.required ? invocation(o) : `[${invocation(o)}]`)),
  ];
  const oneLine = [prog, ...parts].join(' ');
  const width = textWidth();
  if (prefix.length + oneLine.length <= width) return `${prefix}${oneLine}`;
  const getLines = (items, indent, withPrefix) => {
    const lines = [];
    let line = [];
    let length = withPrefix ? prefix.length - 1 : indent.length - 1;
    for (const part of items) {
      if (length + 1 + part.length > width && line.length > 0) {
        lines.push(indent + line.join(' '));
        line = [];
        length = indent.length - 1;
      }
      line.push(part);
      length += part.length + 1;
    }
    if (line.length > 0) lines.push(indent + line.join(' '));
    if (withPrefix) lines[0] = lines[0].slice(indent.length);
    return lines;
  };
  const lines =
    prefix.length + prog.length <= 0.75 * width
      ? getLines([prog, ...parts], ' '.repeat(prefix.length + prog.length + 1), true)
      : [prog, ...getLines(parts, ' '.repeat(prefix.length), false)];
  return `${prefix}${lines.join('\n')}`;
};

const formatHelp = (spec, options) => {
  const row = (left, help) =>
    left.length <= 20 ? `  ${left.padEnd(22)}${help}` : `  ${left}\n${' '.repeat(24)}${help}`;
  return [
    formatUsage(spec.prog, options),
    '',
    spec.description,
    '',
    'options:',
    row('-h, --help', 'show this help message and exit'),
    ...options.map((o) => row(invocation(o), o.help ?? '')),
    ...(spec.epilog ? ['', spec.epilog] : []),
  ].join('\n');
};

/**
 * Parses argv against `spec` ({ prog, description, epilog, options: [{ flag, dest, kind:
 * 'value' | 'flag', choices?, required?, help? }] }). Exits 2 with argparse's messages.
 */
export const parseArgs = (argv, spec) => {
  const options = spec.options.map((o) => ({
    ...o,
    metavar: o.kind === 'flag' ? undefined : metavarOf(o),
  }));
  const fail = (message) => {
    writeAll(2, `${formatUsage(spec.prog, options)}\n${spec.prog}: error: ${message}\n`);
    process.exit(2);
  };
  const result = Object.fromEntries(
    options.map((o) => [o.dest, o.kind === 'flag' ? false : undefined]),
  );
  const unrecognized = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') {
      print(formatHelp(spec, options));
      process.exit(0);
    }
    if (!arg.startsWith('--') || arg === '--') {
      unrecognized.push(arg);
      continue;
    }
    const [name, explicit] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg, undefined];
    let option = options.find((o) => o.flag === name);
    if (!option) {
      // argparse accepts any unambiguous prefix of a long option (allow_abbrev).
      const candidates = options.filter((o) => o.flag.startsWith(name));
      if (candidates.length > 1) {
        fail(`ambiguous option: ${name} could match ${candidates.map((o) => o.flag).join(', ')}`);
      }
      option = candidates[0];
    }
    if (!option) {
      unrecognized.push(arg);
      continue;
    }
    if (option.kind === 'flag') {
      if (explicit !== undefined)
        fail(`argument ${option.flag}: ignored explicit argument '${explicit}'`);
      result[option.dest] = true;
      continue;
    }
    let value = explicit;
    if (value === undefined) {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('-') && next.length > 1))
        fail(`argument ${option.flag}: expected one argument`);
      value = next;
      i += 1;
    }
    if (option.choices && !option.choices.includes(value)) {
      fail(
        `argument ${option.flag}: invalid choice: '${value}' (choose from ${option.choices.map((c) => `'${c}'`).join(', ')})`,
      );
    }
    result[option.dest] = value;
  }
  const missing = options.filter((o) => o.required && result[o.dest] === undefined);
  if (missing.length > 0)
    fail(`the following arguments are required: ${missing.map((o) => o.flag).join(', ')}`);
  if (unrecognized.length > 0) fail(`unrecognized arguments: ${unrecognized.join(' ')}`);
  return result;
};

/** The flags every backfill script has; phase 4, 5 and 5B add `--status` and `--skip-preflight`. */
export const COMMON_OPTIONS = [
  { flag: '--start-date', dest: 'start_date', kind: 'value', help: 'Start date (YYYY-MM-DD)' },
  { flag: '--end-date', dest: 'end_date', kind: 'value', help: 'End date (YYYY-MM-DD)' },
  {
    flag: '--dates',
    dest: 'dates',
    kind: 'value',
    help: 'Comma-separated specific dates to process (YYYY-MM-DD,YYYY-MM-DD,...)',
  },
  {
    flag: '--dry-run',
    dest: 'dry_run',
    kind: 'flag',
    help: 'Check data availability without processing',
  },
  {
    flag: '--no-resume',
    dest: 'no_resume',
    kind: 'flag',
    help: 'Start fresh instead of resuming from checkpoint',
  },
];

export const PRECOMPUTE_OPTIONS = [
  ...COMMON_OPTIONS,
  { flag: '--status', dest: 'status', kind: 'flag', help: 'Show checkpoint status and exit' },
  {
    flag: '--skip-preflight',
    dest: 'skip_preflight',
    kind: 'flag',
    help: 'Skip the upstream pre-flight check (not recommended)',
  },
];

/** The value of `--processor` before parsing, so usage and errors can name the right script. */
export const peekProcessor = (argv) => {
  const index = argv.findIndex((a) => a === '--processor' || a.startsWith('--processor='));
  if (index < 0) return undefined;
  return argv[index].includes('=') ? argv[index].split('=')[1] : argv[index + 1];
};

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** datetime.strptime(value, '%Y-%m-%d'): true for a real calendar date. */
export const isValidDate = (value) => {
  if (!ISO_DATE.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
};

export const today = () => {
  const now = new Date();
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
};

#!/usr/bin/env node
// npm run bench -- [--quick] [--only steady,flood] [--subjects console,floor,peer] [--repeats N]
//                  [--soak-minutes N] [--cpu-prof] [--keep] [--no-build] [--verbose] [--strict]
//
// Runs the console, the floor (tail -f) and the peer (mprocs) under the same producers, one
// after another in alternating order, each in its own tmux server at 120x45, and prints the
// table, the ratios and the targets. Results: bench/results/<timestamp>.json and latest.json.
// See bench/README.md for what each figure means and how it is measured.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  cleanupAll,
  installCleanupHandlers,
  keepDirectories,
  sweepProducers,
} from './lib/cleanup.mjs';
import { machineSeconds } from './lib/proc.mjs';
import { summarizeProfile } from './lib/profile.mjs';
import {
  aggregate,
  ratios,
  ratioText,
  subjectOrder,
  table,
  targets,
  targetText,
} from './lib/report.mjs';
import { COLUMNS, ROWS, runOne } from './lib/run-one.mjs';
import { scenarioNames, scenarios } from './lib/scenarios.mjs';
import { mprocsBinary } from './lib/subjects.mjs';
import { runStartup, startupText } from './lib/startup.mjs';
import { sleep } from './lib/util.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

const usage = `usage: npm run bench -- [options]
  --quick               short runs (about 10 s each, 1 min soak) for a smoke check
  --only a,b            scenarios to run: ${scenarioNames.join(', ')} (default: all)
  --subjects a,b        subjects: ${subjectOrder.join(', ')} (default: all three)
  --repeats N           runs per scenario and subject (default 3, --quick 1; soak always 1)
  --soak-minutes N      soak length (default 10, --quick 1; env BENCH_SOAK_MINUTES)
  --min-key-samples N   keypress samples wanted per run (default 20)
  --cpu-prof            run the console under node --cpu-prof; prints its top functions
  --keep                keep each run's temp folder (plan, logs, pane output)
  --no-build            do not run npm run build first
  --calm PCT            before each run, wait until the rest of the machine uses less than PCT % of
                        one core (default 30; 0 = do not wait)
  --calm-wait S         wait at most S seconds for that (default 60), then run anyway
  --strict              exit 1 when a target fails (default: only when a run fails)
  --verbose             say what each run is doing`;

const parseArgs = (argv) => {
  const o = {
    quick: false,
    only: scenarioNames,
    subjects: subjectOrder,
    repeats: undefined,
    soakMinutes: process.env.BENCH_SOAK_MINUTES
      ? Number(process.env.BENCH_SOAK_MINUTES)
      : undefined,
    minKeySamples: 20,
    cpuProf: false,
    keep: false,
    build: true,
    strict: false,
    verbose: false,
    calmPct: 30,
    calmWaitSeconds: 60,
  };
  const list = (v, allowed, what) => {
    const items = String(v ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const bad = items.filter((i) => !allowed.includes(i));
    if (items.length === 0 || bad.length)
      throw new Error(
        `unknown ${what}: ${bad.join(', ') || '(none)'}; choose from ${allowed.join(', ')}`,
      );
    return allowed.filter((a) => items.includes(a));
  };
  const number = (v, what) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${what} needs a positive number, got ${v}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.includes('=') ? a.split(/=(.*)/s) : [a, undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--quick':
        o.quick = true;
        break;
      case '--only':
        o.only = list(value(), scenarioNames, 'scenario');
        break;
      case '--subjects':
        o.subjects = list(value(), subjectOrder, 'subject');
        break;
      case '--repeats':
        o.repeats = Math.round(number(value(), '--repeats'));
        break;
      case '--soak-minutes':
        o.soakMinutes = number(value(), '--soak-minutes');
        break;
      case '--min-key-samples':
        o.minKeySamples = Math.round(number(value(), '--min-key-samples'));
        break;
      case '--cpu-prof':
        o.cpuProf = true;
        break;
      case '--keep':
        o.keep = true;
        break;
      case '--no-build':
        o.build = false;
        break;
      case '--strict':
        o.strict = true;
        break;
      case '--calm':
        o.calmPct = Number(value());
        break;
      case '--calm-wait':
        o.calmWaitSeconds = Number(value());
        break;
      case '--verbose':
        o.verbose = true;
        break;
      case '-h':
      case '--help':
        process.stdout.write(`${usage}\n`);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option ${a}\n${usage}`);
    }
  }
  o.repeats ??= o.quick ? 1 : 3;
  o.soakMinutes ??= o.quick ? 1 : 10;
  return o;
};

const sh = (cmd, args) => {
  try {
    return execFileSync(cmd, args, {
      encoding: 'utf8',
      timeout: 10_000,
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return undefined;
  }
};

const machine = () => ({
  date: new Date().toISOString(),
  nproc: os.availableParallelism?.() ?? os.cpus().length,
  cpu: os.cpus()[0]?.model,
  free: sh('free', ['-h']),
  node: process.version,
  tmux: sh('tmux', ['-V']),
  mprocs: (() => {
    try {
      return sh(mprocsBinary(), ['--version']);
    } catch {
      return undefined;
    }
  })(),
  loadavg: os.loadavg().map((v) => Math.round(v * 100) / 100),
  kernel: os.release(),
  git: {
    rev: sh('git', ['-C', root, 'rev-parse', '--short', 'HEAD']),
    dirtyFiles: (
      sh('git', ['-C', root, 'status', '--porcelain', '--', 'src', 'bin', 'package.json']) ?? ''
    )
      .split('\n')
      .filter(Boolean).length,
  },
});

const preflight = (o) => {
  if (process.platform !== 'linux' || !existsSync('/proc/self/stat'))
    throw new Error('the bench reads /proc: Linux only');
  if (!sh('tmux', ['-V'])) throw new Error('tmux is not installed (apt-get install tmux)');
  if (o.subjects.includes('peer')) {
    const bin = mprocsBinary();
    if (!existsSync(bin)) throw new Error(`the mprocs binary is missing at ${bin} (npm install)`);
  }
  if (o.build) {
    process.stdout.write('building (npm run build)…\n');
    const result = spawnSync('npm', ['run', 'build', '--silent'], {
      cwd: root,
      stdio: 'inherit',
      timeout: 300_000,
    });
    if (result.status !== 0)
      throw new Error(
        'npm run build failed; fix it, or measure the existing dist/ with --no-build',
      );
  }
  if (!existsSync(path.join(root, 'dist/cli.js')))
    throw new Error('dist/cli.js is missing: npm run build');
};

/** CPU the machine spends while the bench runs nothing, in % of one core, over `ms`. */
const machineBusyPct = async (ms) => {
  const a = machineSeconds();
  await sleep(ms);
  const b = machineSeconds();
  return ((b.busy - a.busy) / (ms / 1000)) * 100;
};

/**
 * Others share this machine (tests, builds): their load distorts every figure. Wait, within
 * limits, for a calm moment, and record what the load was.
 */
const waitForCalm = async (o) => {
  let busy = await machineBusyPct(1_000);
  if (!o.calmPct || busy <= o.calmPct) return { busyBeforePct: Math.round(busy), waitedSeconds: 0 };
  const started = Date.now();
  process.stdout.write(
    `    the machine is busy (${Math.round(busy)} % of a core used by others); waiting up to ${o.calmWaitSeconds} s…\n`,
  );
  while (busy > o.calmPct && Date.now() - started < o.calmWaitSeconds * 1_000)
    busy = await machineBusyPct(2_000);
  return {
    busyBeforePct: Math.round(busy),
    waitedSeconds: Math.round((Date.now() - started) / 1000),
    calm: busy <= o.calmPct,
  };
};

const brief = (r) =>
  r.error
    ? `ERROR ${r.error.split('\n')[0]}`
    : [
        `${r.linesPerSecond} lines/s`,
        `CPU ${r.cpuPct} % (${r.cpuPer100kLines} s/100k)`,
        `tmux ${r.tmuxCpuPct} %`,
        `RSS ${r.peakRssMb} MB`,
        `e2e p95 ${r.e2eP95Ms ?? '–'} ms`,
        r.keySamples ? `key p95 ${r.keyP95Ms} ms (${r.keySamples})` : undefined,
        r.subject === 'console' ? `${r.fps} fps` : undefined,
        `clears ${r.clears}`,
        r.linesLost !== undefined ? `lost ${r.linesLost}` : undefined,
        `other ${r.othersCpuPct} %`,
      ]
        .filter(Boolean)
        .join(' · ');

const main = async () => {
  const o = parseArgs(process.argv.slice(2));
  installCleanupHandlers();
  keepDirectories(o.keep);
  preflight(o);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const resultsDir = path.join(root, 'bench/results');
  o.profileDir = path.join(resultsDir, `profiles-${stamp}`);
  const defs = scenarios(o);
  const info = machine();
  process.stdout.write(
    `backfill-console bench · ${info.date} · ${info.nproc} CPUs (${info.cpu}) · node ${info.node} · ${info.tmux} · mprocs ${info.mprocs ?? '?'}\n` +
      `load average ${info.loadavg.join(' ')} · git ${info.git.rev}${info.git.dirtyFiles ? ` + ${info.git.dirtyFiles} changed files in src/bin` : ''} · pane ${COLUMNS}x${ROWS}` +
      `${o.quick ? ' · QUICK' : ''}\n\n`,
  );

  const runs = [];
  const plan = [];
  for (const name of o.only) {
    if (defs[name].separate) continue;
    const repeats = name === 'soak' ? 1 : o.repeats;
    for (let r = 0; r < repeats; r++) {
      // Alternate the order, so no subject always runs first (warm caches) or last.
      const order = o.subjects.map((_, i) => o.subjects[(i + r) % o.subjects.length]);
      for (const subject of order) plan.push({ name, subject, repeat: r });
    }
  }
  let index = 0;
  for (const item of plan) {
    index++;
    const scenario = { name: item.name, ...defs[item.name] };
    const label = `[${index}/${plan.length}] ${item.name} · ${item.subject} #${item.repeat + 1}`;
    process.stdout.write(`${label}: ${scenario.description}…\n`);
    const calm = await waitForCalm(o);
    const started = Date.now();
    let result;
    try {
      result = await runOne({ scenario, subjectName: item.subject, index, options: o });
    } catch (error) {
      result = {
        scenario: item.name,
        subject: item.subject,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      };
    }
    result.repeat = item.repeat;
    result.machineBefore = calm;
    runs.push(result);
    process.stdout.write(
      `    ${brief(result)}  (${Math.round((Date.now() - started) / 1000)} s)\n`,
    );
    if (result.error && o.verbose) process.stdout.write(`${result.error}\n`);
  }

  let startup;
  if (o.only.includes('startup')) {
    process.stdout.write(`[startup] ${defs.startup.description}…\n`);
    const calm = await waitForCalm(o);
    try {
      startup = await runStartup({
        index: index + 1,
        columns: COLUMNS,
        rows: ROWS,
        repeats: o.repeats,
        minKeySamples: o.minKeySamples,
      });
      startup.machineBefore = calm;
      process.stdout.write(`${startupText(startup)}\n`);
    } catch (error) {
      startup = {
        scenario: 'startup',
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      };
      runs.push(startup);
      process.stdout.write(`    ERROR ${startup.error.split('\n')[0]}\n`);
    }
  }

  const stray = sweepProducers();

  const rows = aggregate(runs);
  const ratioList = ratios(rows);
  const targetList = targets(rows, runs, startup);
  const profiles = runs
    .filter((r) => r.cpuProfile)
    .map((r) => ({
      scenario: r.scenario,
      file: path.relative(root, r.cpuProfile),
      ...summarizeProfile(r.cpuProfile),
    }));

  process.stdout.write(`\n${table(rows)}\n\n`);
  process.stdout.write(
    'CPU % = utime+stime of the subject (console: its process tree minus the producers; floor: tail; peer: mprocs) over the\n' +
      'measuring window, in % of one core; tmux % = the tmux server alone; other % = the rest of the machine (noise).\n' +
      'The floor for the ratios is tail + tmux. e2e and key times include one capture-pane round trip ' +
      `(median ${
        rows
          .map((r) => r.captureRttP50Ms)
          .filter((v) => v !== undefined)
          .sort((a, b) => a - b)[0] ?? '?'
      }–` +
      `${
        rows
          .map((r) => r.captureRttP50Ms)
          .filter((v) => v !== undefined)
          .sort((a, b) => b - a)[0] ?? '?'
      } ms).\n\n`,
  );
  process.stdout.write(`Ratios (medians):\n${ratioText(ratioList)}\n\n`);
  if (startup && !startup.error)
    process.stdout.write(`Start-up and the 1000-task plan (medians):\n${startupText(startup)}\n\n`);
  process.stdout.write(`Targets:\n${targetText(targetList)}\n`);
  for (const p of profiles) {
    process.stdout.write(
      `\nconsole CPU profile, ${p.scenario} (${p.totalMs} ms sampled; ${p.file}):\n` +
        p.packages
          .slice(0, 8)
          .map((x) => `  ${String(x.pct).padStart(5)} %  ${x.what}`)
          .join('\n') +
        '\n  top functions (self time):\n' +
        p.functions
          .slice(0, 12)
          .map((x) => `  ${String(x.pct).padStart(5)} %  ${x.what}`)
          .join('\n') +
        '\n',
    );
  }
  const failedRuns = runs.filter((r) => r.error);
  if (failedRuns.length) {
    process.stdout.write(`\n${failedRuns.length} run(s) failed:\n`);
    for (const r of failedRuns)
      process.stdout.write(
        `  ${r.scenario} · ${r.subject}: ${r.error.split('\n').slice(0, 6).join('\n    ')}\n`,
      );
  }
  if (stray) process.stdout.write(`\n${stray} stray producer(s) found at the end and killed\n`);

  mkdirSync(resultsDir, { recursive: true });
  const json = {
    machine: { ...info, loadavgAtEnd: os.loadavg().map((v) => Math.round(v * 100) / 100) },
    options: { ...o, profileDir: undefined },
    scenarios: Object.fromEntries(o.only.map((n) => [n, defs[n]])),
    summary: rows,
    ratios: ratioList,
    targets: targetList,
    startup,
    profiles,
    runs,
    strayProducers: stray,
  };
  const file = path.join(resultsDir, `${stamp}.json`);
  writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(path.join(resultsDir, 'latest.json'), `${JSON.stringify(json, null, 2)}\n`);
  process.stdout.write(
    `\nwrote ${path.relative(process.cwd(), file)} and bench/results/latest.json\n`,
  );
  const failedTargets = targetList.filter((t) => t.verdict === 'FAIL').length;
  return failedRuns.length ? 1 : o.strict && failedTargets ? 1 : 0;
};

process.on('uncaughtException', (error) => {
  process.stderr.write(`bench: ${error.stack ?? error}\n`);
  cleanupAll();
  process.exit(1);
});
process.on('unhandledRejection', (error) => {
  process.stderr.write(`bench: unhandled rejection: ${error?.stack ?? error}\n`);
  cleanupAll();
  process.exit(1);
});

main().then(
  (code) => {
    cleanupAll();
    process.exit(code);
  },
  (error) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
    cleanupAll();
    process.exit(1);
  },
);

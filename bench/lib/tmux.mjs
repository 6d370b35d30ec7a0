// A private tmux server (own socket, no config, fixed size, no status line) and one control-mode
// client on it. Commands go through the control client's stdin, so a capture-pane or send-keys
// costs one round trip to the server instead of a fork/exec of a tmux client each time.
import { performance } from 'node:perf_hooks';
import { execFileSync, spawn } from 'node:child_process';
import { withDeadline } from './util.mjs';

const quote = (arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`);

/** A tmux command line argument for the control client (tmux parses like a shell). */
const tmuxQuote = (arg) => `'${String(arg).replace(/'/g, `'\\''`)}'`;

/**
 * Starts `argv` as the pane's process with `exec`, so the pane's pid is the program itself.
 * The environment is the bench's own minus CI (Ink skips frames under CI=true), with
 * TERM=xterm-256color, plus `env`.
 */
export const startTmux = async ({
  name,
  argv,
  cwd,
  columns,
  rows,
  env = {},
  onTrack,
  pipeFile,
}) => {
  const socket = name;
  const base = ['-L', socket, '-f', '/dev/null'];
  const serverEnv = { ...process.env, TERM: 'xterm-256color' };
  delete serverEnv.CI;
  delete serverEnv.TMUX;
  const run = (...args) =>
    execFileSync('tmux', [...base, ...args], {
      encoding: 'utf8',
      env: serverEnv,
      cwd,
      timeout: 10_000,
    });
  const envArgs = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  const shellCommand = `exec ${['env', '-u', 'CI', 'TERM=xterm-256color', ...envArgs, ...argv].map(quote).join(' ')}`;
  onTrack?.({ kind: 'tmux', socket });
  run(
    'start-server',
    ';',
    'set-option',
    '-g',
    'exit-empty',
    'off',
    ';',
    'set-option',
    '-g',
    'status',
    'off',
    ';',
    // Keep the pane after the program exits: its exit status and last screen stay readable.
    'set-option',
    '-g',
    'remain-on-exit',
    'on',
    ';',
    'new-session',
    '-d',
    '-s',
    'bench',
    '-x',
    String(columns),
    '-y',
    String(rows),
    '-c',
    cwd,
    shellCommand,
    // Attached clients must not resize the window (set after new-session: tmux 3.3a's server
    // dies when window-size is set while it has no session).
    ';',
    'set-option',
    '-g',
    'window-size',
    'manual',
    // In the same command list, so the copy of the pane's output starts before its first byte.
    ...(pipeFile ? [';', 'pipe-pane', '-t', 'bench', `exec cat >> ${quote(pipeFile)}`] : []),
  );

  const client = spawn(
    'tmux',
    [...base, '-C', 'attach-session', '-t', 'bench', '-f', 'no-output,ignore-size'],
    {
      env: serverEnv,
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  onTrack?.({ kind: 'pid', pid: client.pid });
  const pending = [];
  let block;
  let buffered = '';
  let closed = false;
  let clientError = '';
  client.stderr.on('data', (d) => (clientError += d));
  client.stdout.setEncoding('utf8');
  client.stdout.on('data', (data) => {
    buffered += data;
    let nl;
    while ((nl = buffered.indexOf('\n')) !== -1) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (block) {
        const end = /^%(end|error) \d+ (\d+) (\d+)$/.exec(line);
        if (end && end[2] === block.number) {
          const done = block;
          block = undefined;
          if (done.flags !== '1') continue; // the attach command's own block
          const waiter = pending.shift();
          if (!waiter) continue;
          const result = { lines: done.lines, at: performance.now(), wall: Date.now() };
          if (end[1] === 'error')
            waiter.reject(new Error(`tmux ${waiter.command}: ${done.lines.join(' ')}`));
          else waiter.resolve(result);
        } else block.lines.push(line);
        continue;
      }
      const begin = /^%begin \d+ (\d+) (\d+)$/.exec(line);
      if (begin) block = { number: begin[1], flags: begin[2], lines: [] };
      // Other notifications (%session-changed, %window-renamed…) are not ours to handle.
    }
  });
  client.on('close', () => {
    closed = true;
    for (const waiter of pending.splice(0))
      waiter.reject(new Error(`tmux control client closed ${clientError}`));
  });

  /** Sends one tmux command (argument list); resolves with its output lines and arrival time. */
  const command = (...args) =>
    new Promise((resolve, reject) => {
      if (closed) return reject(new Error(`tmux control client closed ${clientError}`));
      pending.push({ resolve, reject, command: args[0] });
      client.stdin.write(`${args.map(tmuxQuote).join(' ')}\n`);
    });
  const timed = (ms, ...args) => withDeadline(command(...args), ms, `tmux ${args.join(' ')}`);

  await timed(10_000, 'display-message', '-p', 'ready');
  const [serverPid, panePid, size] = (
    await timed(
      5_000,
      'display-message',
      '-p',
      '-t',
      'bench',
      '#{pid} #{pane_pid} #{pane_width}x#{pane_height}',
    )
  ).lines[0].split(' ');
  if (size !== `${columns}x${rows}`)
    throw new Error(`tmux pane is ${size}, wanted ${columns}x${rows}`);

  return {
    socket,
    controlPid: client.pid,
    serverPid: Number(serverPid),
    panePid: Number(panePid),
    /** The visible screen as text lines; `at` is when the reply arrived (performance.now()). */
    capture: async () => {
      const sentAt = performance.now();
      const { lines, at, wall } = await timed(5_000, 'capture-pane', '-p', '-t', 'bench');
      return { lines, sentAt, at, wall };
    },
    /** tmux key names: Enter, j, q… */
    keys: (...keys) => timed(5_000, 'send-keys', '-t', 'bench', ...keys),
    pipeTo: (file) => timed(5_000, 'pipe-pane', '-t', 'bench', `exec cat >> ${quote(file)}`),
    unpipe: () => timed(5_000, 'pipe-pane', '-t', 'bench'),
    paneState: async () => {
      const [dead, status, signal] = (
        await timed(
          5_000,
          'display-message',
          '-p',
          '-t',
          'bench',
          '#{pane_dead}:#{pane_dead_status}:#{pane_dead_signal}',
        )
      ).lines[0].split(':');
      return {
        dead: dead === '1',
        status: status ? Number(status) : undefined,
        signal: signal ? Number(signal) : undefined,
      };
    },
    kill: () => {
      try {
        client.stdin.end();
      } catch {
        // already closed
      }
      try {
        execFileSync('tmux', [...base, 'kill-server'], { stdio: 'ignore', timeout: 5_000 });
      } catch {
        // already gone
      }
      if (!closed) client.kill('SIGKILL');
    },
  };
};

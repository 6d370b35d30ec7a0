import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * Drives a program in a real terminal: a private tmux server (own socket, fixed size),
 * keys in with send-keys, the screen out with capture-pane.
 */
export const startTmux = (
  command: string[],
  options: { columns?: number; rows?: number; cwd?: string } = {},
) => {
  const socket = `bc-e2e-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const tmux = (...args: string[]) =>
    execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], {
      encoding: 'utf8',
      cwd: options.cwd,
    });
  // CI=true makes Ink skip live frames; the console under test must draw like it does for a person.
  const stderrFile = `/tmp/${socket}.stderr`;
  // stderr goes to a file: what the program says there explains a failed test.
  const statusFile = `/tmp/${socket}.status`;
  // A shell runs the program and writes its exit status to a file: tmux 3.3 can mark a pane
  // dead without ever reporting the status (the process left as a zombie).
  const shellCommand = `${['env', '-u', 'CI', 'TERM=xterm-256color', ...command].map(quote).join(' ')} 2>${stderrFile}; echo $? > ${statusFile}`;
  tmux(
    'new-session',
    '-d',
    '-s',
    'main',
    '-x',
    String(options.columns ?? 120),
    '-y',
    String(options.rows ?? 40),
    shellCommand,
  );
  // Keep the pane after the program exits so its exit status and last screen can be read.
  tmux('set-option', '-t', 'main', 'remain-on-exit', 'on');

  const screen = () => tmux('capture-pane', '-p', '-t', 'main');
  const readStderr = () => {
    try {
      return readFileSync(stderrFile, 'utf8');
    } catch {
      return '';
    }
  };
  const paneInfo = () =>
    tmux('display-message', '-p', '-t', 'main', '#{pane_dead} #{pane_dead_status} #{pane_pid}')
      .trim()
      .split(' ');
  return {
    screen,
    /** Sends tmux key names (Enter, Tab, PageUp…) or literal text with `literal`. */
    keys: (...keys: string[]) => void tmux('send-keys', '-t', 'main', ...keys),
    literal: (text: string) => void tmux('send-keys', '-t', 'main', '-l', text),
    resize: (columns: number, rows: number) =>
      void tmux('resize-window', '-t', 'main', '-x', String(columns), '-y', String(rows)),
    waitForScreen: async (
      predicate: (screen: string) => boolean,
      what: string,
      deadlineMs = 15_000,
    ) => {
      const deadline = Date.now() + deadlineMs;
      let last = '';
      for (;;) {
        last = screen();
        if (predicate(last)) return last;
        if (Date.now() > deadline) {
          const [dead, status] = paneInfo();
          throw new Error(
            `screen never showed ${what}; program ended=${dead} status=${status}; stderr:\n${readStderr()}\nlast screen:\n${last}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    /** The exit status once the program has ended, else undefined. */
    exitStatus: (): number | undefined => {
      try {
        const text = readFileSync(statusFile, 'utf8').trim();
        return text === '' ? undefined : Number(text);
      } catch {
        return undefined;
      }
    },
    panePid: () => Number(paneInfo()[2]),
    stderr: () => {
      try {
        return readFileSync(stderrFile, 'utf8');
      } catch {
        return '';
      }
    },
    kill: () => {
      try {
        tmux('kill-server');
      } catch {
        // already gone
      }
    },
  };
};

const quote = (arg: string) =>
  /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;

/**
 * The task table's column heading: the table is up. (The header's "27 tasks" is not a sign of
 * it: with many kinds of status and an ETA the header is cut before it at 120 columns.)
 */
export const tableHeading = /\bTASK\s+WINDOW\s+STATUS\b/;

import { existsSync, readFileSync } from 'node:fs';
import { isGroupAlive, terminateGroup } from '../process/process-group.js';
import { isSameProcess } from '../process/proc-info.js';
import { spawnCommand } from '../process/spawn-command.js';
import { recordedRun } from '../process/run-files.js';
import { exitFromWrapperCode } from '../process/task-wrapper.js';
import type { Executor, Run, RunEnd, RunRef } from './executor.js';

/** How often a re-attached run (not our child: no exit event) is checked for its end. */
const attachedPollMs = 50;

/** The status a run's wrapper wrote when it ended; unknown if it was killed outright. */
const readExitFile = (file: string): RunEnd => {
  if (!existsSync(file)) return {};
  const code = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(code) ? exitFromWrapperCode(code) : {};
};

/** Stop, kill and release of one process group; `ended` is supplied by launch or attach. */
const groupRun = (
  ref: RunRef,
  ended: Promise<RunEnd>,
  note: (text: string) => void,
  detach: () => void,
): Run => {
  const group = ref.pid;
  let termination: ReturnType<typeof terminateGroup> | undefined;
  const escalate = () => note(`grace period over: SIGKILL to process group ${group}`);
  return {
    ref,
    ended,
    isAlive: () => isGroupAlive(group),
    stop: (graceMs) => {
      if (!termination) {
        note(`stop requested: SIGTERM to process group ${group}, SIGKILL in ${graceMs / 1000} s`);
        termination = terminateGroup(group, graceMs, escalate);
      }
      return termination.done;
    },
    kill: () => {
      note(`kill requested: SIGKILL to process group ${group}`);
      termination ??= terminateGroup(group, 0);
      termination.killNow();
    },
    release: async (graceMs) => {
      // Grandchildren that outlive the leader belong to the task: take them down too.
      if (!termination && !isGroupAlive(group)) return;
      if (!termination) {
        note(`processes left in group ${group}: SIGTERM, SIGKILL in ${graceMs / 1000} s`);
        termination = terminateGroup(group, graceMs, escalate);
      }
      await termination.done;
    },
    detach,
  };
};

/**
 * Each run is a process group under the exit-status wrapper, writing straight into its log
 * file: it outlives the console, and a later console finds it by pid and kernel start time.
 */
export const createLocalProcessExecutor = (): Executor => ({
  launch: (request, note) => {
    const spawned = spawnCommand(request.argv, request);
    if (!spawned.ok) return spawned;
    const ended = spawned.exited.then(({ code, signal }): RunEnd =>
      signal ? { signal } : exitFromWrapperCode(code ?? 1),
    );
    const ref = { pid: spawned.pid, pidStart: spawned.pidStart, exitFile: request.exitFile };
    return { ok: true, run: groupRun(ref, ended, note, () => undefined) };
  },
  attach: (ref, note) => {
    let poll: NodeJS.Timeout | undefined;
    const ended = new Promise<RunEnd>((resolve) => {
      poll = setInterval(() => {
        if (isSameProcess(ref.pid, ref.pidStart)) return;
        clearInterval(poll);
        resolve(readExitFile(ref.exitFile));
      }, attachedPollMs);
    });
    return groupRun(ref, ended, note, () => clearInterval(poll));
  },
  find: (exitFile) => {
    const recorded = recordedRun(exitFile);
    if (recorded.kind === 'none') return undefined;
    const pidStart = recorded.kind === 'alive' ? recorded.pidStart : undefined;
    return { ref: { pid: recorded.pid, pidStart, exitFile }, alive: recorded.kind === 'alive' };
  },
});

/**
 * A small tmpfs for the full-disk tests: the real ENOSPC of a real file system, partial
 * writes included. Mounting needs root (or CAP_SYS_ADMIN); where it is refused, `mountSmallDisk`
 * says why and the tests that need it are skipped with that reason printed.
 */
import { execFileSync } from 'node:child_process';
import {
  closeSync,
  ftruncateSync,
  fstatSync,
  mkdtempSync,
  openSync,
  rmSync,
  statfsSync,
  writeSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export type SmallDisk = {
  dir: string;
  /** Takes every free byte but `leaveBytes` (rounded to the file system's pages). */
  fill: (leaveBytes?: number) => void;
  /** Gives the filler's space back. */
  free: () => void;
  freeBytes: () => number;
  /** Mounts the disk also at `target` (a bind mount), taken down again by `unmount`. */
  bindOnto: (target: string) => void;
  /** Takes down the binds and the disk. */
  unmount: () => void;
};

export const mountSmallDisk = (sizeKb: number): SmallDisk | { refused: string } => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bc-small-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k,mode=0755`, 'tmpfs', dir], {
      stdio: 'pipe',
    });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const stderr = ((error as { stderr?: Buffer }).stderr?.toString() ?? '').trim();
    return { refused: `cannot mount a tmpfs here (${stderr || (error as Error).message})` };
  }
  const filler = path.join(dir, 'filler');
  const binds: string[] = [];
  const umount = (target: string) => {
    try {
      execFileSync('umount', ['-l', target], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  };
  const freeBytes = () => {
    const s = statfsSync(dir);
    return s.bavail * s.bsize;
  };
  return {
    dir,
    freeBytes,
    fill: (leaveBytes = 0) => {
      const fd = openSync(filler, 'a');
      const chunk = Buffer.alloc(64 * 1024);
      try {
        for (;;) writeSync(fd, chunk);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      }
      // tmpfs can take a last partial chunk: byte-fill what it still takes.
      try {
        for (;;) writeSync(fd, chunk, 0, 512);
      } catch {
        // full
      }
      if (leaveBytes > 0) ftruncateSync(fd, Math.max(0, fstatSync(fd).size - leaveBytes));
      closeSync(fd);
    },
    free: () => rmSync(filler, { force: true }),
    bindOnto: (target) => {
      execFileSync('mount', ['--bind', dir, target]);
      binds.push(target);
    },
    unmount: () => {
      // Binds first: a bind left behind keeps the tmpfs mounted after the test.
      for (const target of binds.splice(0).reverse()) umount(target);
      umount(dir);
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

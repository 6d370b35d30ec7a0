import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

export type ResolvedCommand = { ok: true; file: string } | { ok: false; reason: string };

const isExecutableFile = (file: string): boolean => {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * Checks the working directory and finds the executable before spawning, so a typo in
 * the plan reads "executable not found: .venv/bin/python (in /repo)" instead of a bare ENOENT.
 */
export const resolveCommand = (
  executable: string,
  cwd: string,
  pathVariable: string | undefined,
): ResolvedCommand => {
  try {
    if (!statSync(cwd).isDirectory())
      return { ok: false, reason: `working directory is not a folder: ${cwd}` };
  } catch {
    return { ok: false, reason: `working directory not found: ${cwd}` };
  }
  if (executable.includes('/')) {
    const file = path.resolve(cwd, executable);
    return isExecutableFile(file)
      ? { ok: true, file }
      : {
          ok: false,
          reason: `executable not found or not executable: ${executable} (looked for ${file})`,
        };
  }
  for (const dir of (pathVariable ?? '').split(path.delimiter).filter(Boolean)) {
    const file = path.join(dir, executable);
    if (isExecutableFile(file)) return { ok: true, file };
  }
  return { ok: false, reason: `executable not found on PATH: ${executable}` };
};

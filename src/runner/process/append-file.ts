import { closeSync, constants, openSync, writeSync } from 'node:fs';

/** Flags for every file the console writes in its state folder: never through a symlink. */
export const appendFlags =
  constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW;

/** Appends text to a file the console owns (created 0600), refusing to follow a symlink. */
export const appendToOwnFile = (file: string, text: string): void => {
  const fd = openSync(file, appendFlags, 0o600);
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
};

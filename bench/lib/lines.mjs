// Checking that every producer line reached a log file exactly once, in order.
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import path from 'node:path';

/** Every file under `dir`, recursively (the console keeps <logs>/<task>/<time>.log). */
export const listLogFiles = (dir) => {
  const out = [];
  let names;
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...listLogFiles(full));
    else out.push(full);
  }
  return out;
};

const prefixRe = /^(p\d+) (\d+) (\d{13}) /;

/** Calls `onLine(prefix)` with the first bytes of each line, reading the file in chunks. */
const scanLines = (file, onLine) => {
  const fd = openSync(file, 'r');
  const chunk = Buffer.alloc(8 * 1024 * 1024);
  let head = ''; // the start of the current line, up to 64 bytes
  let inLine = false;
  try {
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n <= 0) break;
      let start = 0;
      while (start < n) {
        const nl = chunk.indexOf(10, start);
        const end = nl === -1 || nl >= n ? n : nl;
        if (head.length < 64)
          head += chunk.toString('latin1', start, Math.min(end, start + 64 - head.length));
        inLine = true;
        if (end === n) break;
        onLine(head);
        head = '';
        inLine = false;
        start = end + 1;
      }
    }
    if (inLine && head) onLine(head);
  } finally {
    closeSync(fd);
  }
};

/**
 * For each producer (its report says how many lines it printed) the file lines carrying its id
 * must be seq 1, 2, … N. Lines of other origin (the console's own notes) are ignored.
 */
export const checkLogFiles = (files, reports) => {
  const expected = new Map(reports.map((r) => [r.id, r.lines]));
  const next = new Map(reports.map((r) => [r.id, 1]));
  const present = new Map(reports.map((r) => [r.id, 0]));
  let duplicates = 0;
  let outOfOrder = 0;
  let unexpected = 0;
  for (const file of files) {
    scanLines(file, (head) => {
      const m = prefixRe.exec(head);
      if (!m || !next.has(m[1])) return;
      const id = m[1];
      const want = next.get(id);
      const seq = Number(m[2]);
      if (seq > expected.get(id)) unexpected++;
      if (seq < want) return void duplicates++; // seen already, or arrived after a later one
      if (seq > want) outOfOrder++; // a gap: the lines in between are missing (or come later)
      present.set(id, present.get(id) + 1);
      next.set(id, seq + 1);
    });
  }
  let lost = 0;
  for (const [id, lines] of expected) lost += Math.max(0, lines - present.get(id));
  return { files: files.length, lost, duplicates, outOfOrder, unexpected };
};

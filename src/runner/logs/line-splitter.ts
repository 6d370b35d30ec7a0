/**
 * Turns the raw bytes of a processor's log into display-safe lines: UTF-8 decoded across chunk
 * boundaries, carriage-return redraws collapsed, overlong lines cut, and every terminal control
 * sequence except SGR colours removed, so a log line can never move the console's cursor.
 */

export type LineSplitterOptions = {
  /**
   * Bytes kept of one line; the rest is counted and discarded as it arrives, so a runaway line
   * without a newline costs at most this much memory.
   * @default 65536
   */
  maxLineBytes?: number;
};

export type LineSplitter = {
  /** Complete lines found in the bytes so far; a trailing partial line waits for more. */
  push(chunk: Buffer): string[];
  /** The trailing partial line at end of stream, if any; the splitter can be reused afterwards. */
  flush(): string[];
  /** Bytes held for the unfinished line: never more than `maxLineBytes`. */
  pendingBytes(): number;
};

// Control characters worth a closer look: C0 except \t and \n (so \r, ESC and NUL too), DEL, C1.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const controlChar = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/**
 * One pass over a line. Group 1 is an SGR colour sequence (kept), group 2 a NUL (made visible).
 * Everything else matched is dropped: other CSI (cursor moves, clear screen, ?1049h), OSC
 * (titles, hyperlinks) ended by BEL or ST, DCS/SOS/PM/APC strings, two- and three-byte ESC
 * sequences, their 8-bit C1 forms, unfinished sequences at the end of the line, and the
 * remaining C0/C1 control characters.
 */
const escapeOrControl =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /(\u001b\[[\d;:]*m)|\u001b\[[0-?]*[ -/]*(?:[@-~]|$)|\u001b[\]PX^_][\s\S]*?(?:\u0007|\u001b\\|$)|\u001b[ -/]*(?:[0-~]|$)|\u009b[0-?]*[ -/]*(?:[@-~]|$)|[\u0090\u0098\u009d-\u009f][\s\S]*?(?:\u0007|\u009c|$)|(\u0000)|[\u0001-\u0008\u000b-\u001f\u007f-\u009f]/g;

const visibleNul = '\u2400';

/** Keeps SGR colours, drops every other escape sequence and control character but \t. */
export const sanitizeLine = (line: string): string =>
  controlChar.test(line)
    ? line.replace(
        escapeOrControl,
        (_match, sgr?: string, nul?: string) => sgr ?? (nul === undefined ? '' : visibleNul),
      )
    : line;

/** Removes colours too: for searching and measuring width. */
export const stripAnsi = (line: string): string =>
  controlChar.test(line)
    ? line.replace(escapeOrControl, (_match, _sgr?: string, nul?: string) =>
        nul === undefined ? '' : visibleNul,
      )
    : line;

export const createLineSplitter = ({
  maxLineBytes = 64 * 1024,
}: LineSplitterOptions = {}): LineSplitter => {
  if (!Number.isInteger(maxLineBytes) || maxLineBytes < 1) {
    throw new RangeError(`maxLineBytes must be a positive integer, got ${maxLineBytes}`);
  }
  // Not fatal: a processor that prints broken bytes still gets its line, with U+FFFD in place.
  const decoder = new TextDecoder('utf-8');
  const encoder = new TextEncoder();
  const scratch = new Uint8Array(maxLineBytes);

  let pending = '';
  let pendingByteCount = 0;
  /** Bytes of the current line beyond the cap, already thrown away. */
  let dropped = 0;
  /** A \r was seen: the next text redraws the line (a progress bar), unless \n comes first. */
  let redraw = false;
  /** `pending` came from a chunk with control characters and must be sanitized. */
  let dirty = false;

  const startOver = (): void => {
    pending = '';
    pendingByteCount = 0;
    dropped = 0;
    redraw = false;
    dirty = false;
  };

  const cutToCap = (): void => {
    // encodeInto stops before a character that does not fit, so the cut never splits one.
    const { written } = encoder.encodeInto(pending, scratch);
    dropped = pendingByteCount - written;
    // Decoded afresh: a slice of `pending` would keep the whole oversized text alive.
    pending = Buffer.from(scratch.buffer, scratch.byteOffset, written).toString('utf8');
    pendingByteCount = written;
  };

  const appendText = (text: string, hasControl: boolean): void => {
    if (text === '') return;
    if (redraw) startOver();
    if (dropped > 0) {
      dropped += Buffer.byteLength(text);
      return;
    }
    pending += text;
    pendingByteCount += Buffer.byteLength(text);
    if (hasControl) dirty = true;
    if (pendingByteCount > maxLineBytes) cutToCap();
  };

  /** A piece of one line (no \n); "a\rb\rc" leaves "c", and "abc\r" still shows "abc". */
  const appendSegment = (segment: string, hasControl: boolean): void => {
    if (!hasControl || !segment.includes('\r')) return appendText(segment, hasControl);
    const pieces = segment.split('\r');
    appendText(pieces[0] ?? '', true);
    for (let i = 1; i < pieces.length; i++) {
      redraw = true;
      appendText(pieces[i] ?? '', true);
    }
  };

  const endLine = (out: string[]): void => {
    let line = dirty ? sanitizeLine(pending) : pending;
    if (dropped > 0) line += ` …[+${dropped} bytes]`;
    out.push(line);
    startOver();
  };

  const splitText = (text: string, out: string[]): void => {
    const hasControl = controlChar.test(text);
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      const segment = text.slice(start, nl);
      start = nl + 1;
      // Fast path: a clean line with nothing pending, too short to need counting its bytes
      // (a UTF-16 unit is at most 3 UTF-8 bytes).
      if (!hasControl && pending === '' && dropped === 0 && segment.length * 3 <= maxLineBytes) {
        out.push(segment);
        continue;
      }
      appendSegment(segment, hasControl);
      endLine(out);
    }
    if (start < text.length) appendSegment(text.slice(start), hasControl);
  };

  // After flush() ended a line that had no newline, the newline that may follow later (the
  // console's own note starts with one) ends that same line, not a new empty one.
  let flushedPartial = false;

  return {
    push(chunk) {
      const out: string[] = [];
      let bytes = chunk;
      if (flushedPartial && bytes.length > 0) {
        if (bytes[0] === 0x0a) bytes = bytes.subarray(1);
        flushedPartial = false;
      }
      // stream: true holds back a character split across chunks until its last byte arrives.
      splitText(decoder.decode(bytes, { stream: true }), out);
      return out;
    },
    flush() {
      const out: string[] = [];
      splitText(decoder.decode(), out);
      if (pending !== '' || dropped > 0) {
        endLine(out);
        flushedPartial = true;
      }
      startOver();
      return out;
    },
    pendingBytes: () => pendingByteCount,
  };
};

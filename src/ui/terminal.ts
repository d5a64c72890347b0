// Whether a stream is a terminal papi can draw on: a TTY that reports a width. A pty without a
// terminal behind it (`script` in a pipe) says 0 columns; spinners there redraw in a loop that never
// ends (every line "wraps" infinitely), so it counts as no terminal at all: plain lines, no colour.
export interface TerminalLike {
  isTTY?: boolean;
  /** Node's tty.WriteStream width; undefined on streams that are not terminals (or test doubles). */
  columns?: number;
}

export function isUsableTerminal(stream: TerminalLike): boolean {
  if (!stream.isTTY) return false;
  return stream.columns === undefined || stream.columns > 0;
}

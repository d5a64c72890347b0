// papi dev's request log for people: one short line per service log line, read from the log file the
// service writes itself (so printing it never slows the service down).
//   12:00:01.234 GET /customer/:ids 200 · 1 id · HIT · 0.41 ms
//   12:00:02.001 warn store_unreachable: connection refused

/** A service log line (JSON) as a person reads it; a line that is not JSON is shown as it is. */
export function describeServiceLine(line: string): string {
  let event: Record<string, unknown>;
  try {
    event = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  if (!event || typeof event !== 'object') return line;
  const time = typeof event.time === 'string' ? event.time.slice(11, 23) : '';
  if (event.event === 'request') {
    const parts = [`${String(event.method)} ${String(event.path)} ${String(event.status)}`];
    if (typeof event.ids === 'number') parts.push(`${event.ids} id${event.ids === 1 ? '' : 's'}`);
    if (typeof event.cache === 'string') parts.push(event.cache);
    if (typeof event.ms === 'number') parts.push(`${event.ms} ms`);
    return `${time} ${parts.join(' · ')}`;
  }
  const { time: _time, level, event: name, message, ...rest } = event;
  const detail = message !== undefined ? String(message) : Object.keys(rest).length ? JSON.stringify(rest) : '';
  return `${time} ${String(level ?? 'info')} ${String(name ?? '')}${detail ? `: ${detail}` : ''}`;
}

/**
 * A line printer that writes the lines given in one event-loop turn (a chunk read from the log file)
 * with one write: under load the service logs thousands of lines a second, and a write per line
 * cost papi dev more CPU than the service's own answers.
 */
export function linePrinter(write: (text: string) => void, format: (line: string) => string = (line) => line): (line: string) => void {
  let pending: string[] = [];
  const flush = (): void => {
    const lines = pending;
    pending = [];
    write(`${lines.join('\n')}\n`);
  };
  return (line) => {
    if (pending.push(format(line)) === 1) setImmediate(flush);
  };
}

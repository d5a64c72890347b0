// A container's recent output for SYSTEM$GET_SERVICE_LOGS: the last lines of stdout and stderr,
// interleaved as they arrived, bounded by line count and bytes (Snowflake returns up to 100 KB).

export class LogRing {
  private readonly lines: string[] = [];
  private bytes = 0;
  private partial: Record<'stdout' | 'stderr', string> = { stdout: '', stderr: '' };

  constructor(
    private readonly maxLines = 2000,
    private readonly maxBytes = 100 * 1024,
  ) {}

  write(stream: 'stdout' | 'stderr', chunk: string): void {
    const text = this.partial[stream] + chunk;
    const parts = text.split('\n');
    this.partial[stream] = parts.pop()!;
    for (const line of parts) this.push(line.replace(/\r$/, ''));
  }

  /** Adds a line of the runner's own (start, exit) to the container's log. */
  note(line: string): void {
    this.push(line);
  }

  /** Flushes unterminated output (at process exit). */
  flush(): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      if (this.partial[stream] !== '') this.push(this.partial[stream]);
      this.partial[stream] = '';
    }
  }

  tail(count?: number): string {
    const lines = count === undefined || count <= 0 ? this.lines : this.lines.slice(-count);
    return lines.join('\n');
  }

  private push(line: string): void {
    this.lines.push(line);
    this.bytes += Buffer.byteLength(line) + 1;
    while (this.lines.length > this.maxLines || this.bytes > this.maxBytes) {
      this.bytes -= Buffer.byteLength(this.lines.shift()!) + 1;
    }
  }
}

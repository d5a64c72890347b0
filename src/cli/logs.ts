import { UsageError } from '../ui/errors.js';
import { defineCommand } from './command.js';

interface LogsOptions {
  follow?: boolean;
  lines: string;
}

const FOLLOW_INTERVAL_MS = 2000;

export default defineCommand<LogsOptions>({
  name: 'logs',
  summary: "Print the service container's logs",
  examples: [
    { command: 'papi logs', description: 'the last 100 lines' },
    { command: 'papi logs --follow', description: 'keep printing new lines (polls every 2 s)' },
  ],
  options(command) {
    command.option('-f, --follow', 'keep printing new lines').option('-n, --lines <count>', 'how many lines', '100');
  },
  async run(ctx, _args, options) {
    const lines = Number(options.lines);
    if (!Number.isInteger(lines) || lines < 1 || lines > 10_000) throw new UsageError(`--lines: "${options.lines}" is not a count from 1 to 10000`);
    const config = await ctx.config();
    const { resolveTarget, openConnection } = await import('../snowflake/target.js');
    const { serviceStatus, serviceLogs } = await import('../spcs/status.js');
    const target = await resolveTarget(config, ctx.out, ctx.env);
    const conn = await openConnection(target, ctx.out);
    try {
      const report = await serviceStatus(conn, config);
      if (!report.exists) throw new UsageError(`Service ${report.service} does not exist.`, { hint: 'Deploy it with: papi deploy' });
      let shown = await serviceLogs(conn, config, report, lines);
      if (!options.follow) return { data: { service: report.service, logs: shown }, human: shown };
      if (shown) ctx.out.raw(`${shown}\n`);
      // Follow: poll like the Snowflake CLI and print only what is new since the last answer.
      while (!ctx.signal.aborted) {
        await new Promise((resolve) => setTimeout(resolve, FOLLOW_INTERVAL_MS));
        if (ctx.signal.aborted) break;
        const next = await serviceLogs(conn, config, await serviceStatus(conn, config), lines);
        const fresh = newLines(shown, next);
        if (fresh) ctx.out.raw(`${fresh}\n`);
        shown = next;
      }
    } finally {
      await conn.close();
    }
  },
});

/** The lines of `next` after the last line `previous` ended with (all of `next` when they do not overlap). */
export function newLines(previous: string, next: string): string {
  if (!previous) return next;
  const before = previous.split('\n');
  const after = next.split('\n');
  for (let overlap = Math.min(before.length, after.length); overlap > 0; overlap--)
    if (before.slice(-overlap).join('\n') === after.slice(0, overlap).join('\n')) return after.slice(overlap).join('\n');
  return next;
}

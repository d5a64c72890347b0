import type { ChalkInstance } from 'chalk';
import type { Check, DoctorReport } from '../../doctor/index.js';
import { defineCommand } from '../define.js';

export default defineCommand({
  name: 'doctor',
  summary: 'Check that this machine, the configuration and the account are ready for papi (read-only)',
  description:
    'Checks the versions papi depends on, the configuration, the login, the privileges of the connection role for\n' +
    'everything papi setup creates, hybrid tables and Snowpark Container Services on the account, and the image\n' +
    'registry login. Changes nothing (it does not start papi local either). One line per check, with what to do\n' +
    'when one fails; exit code 2 (configuration), 3 (connection) or 4 (the account) when a check fails.',
  examples: [
    { command: 'papi doctor', description: 'check papi local (when running) or the configured account' },
    { command: 'papi doctor -c prod', description: 'check the Snowflake connection prod' },
    { command: 'papi doctor --json', description: 'the checks as JSON, for scripts' },
  ],
  async run(ctx) {
    const { doctor, exitCodeOf, DoctorFailedError } = await import('../../doctor/index.js');
    const report = await doctor(ctx);
    const human = formatReport(report, ctx.out.c);
    const failed = report.checks.filter((c) => c.status === 'fail');
    if (failed.length === 0) return { data: report, human };
    // The report is the product: printed first, then the exit code says a check failed.
    ctx.out.result(report, human);
    throw new DoctorFailedError(`${failed.length} check${failed.length === 1 ? '' : 's'} failed: ${failed.map((c) => c.id).join(', ')}`, exitCodeOf(report));
  },
});

const MARK: Record<Check['status'], string> = { ok: 'ok  ', warn: 'warn', fail: 'FAIL', skip: 'skip' };

export function formatReport(report: DoctorReport, c: ChalkInstance): string {
  const paint: Record<Check['status'], (s: string) => string> = { ok: c.green, warn: c.yellow, fail: c.red.bold, skip: c.dim };
  const width = Math.max(...report.checks.map((check) => check.title.length));
  const lines = report.checks.flatMap((check) => [
    `${paint[check.status](MARK[check.status])}  ${check.title.padEnd(width)}  ${check.detail}`,
    ...(check.fix && check.status !== 'ok' ? [`      ${' '.repeat(width)}  → ${check.fix}`] : []),
    ...(check.docs && check.status !== 'ok' ? [`      ${' '.repeat(width)}    ${c.dim(check.docs)}`] : []),
  ]);
  const failed = report.checks.filter((check) => check.status === 'fail').length;
  lines.push('', failed === 0 ? 'All checks passed.' : `${failed} check${failed === 1 ? '' : 's'} failed.`);
  return lines.join('\n');
}

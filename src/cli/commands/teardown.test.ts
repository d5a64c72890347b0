import { describe, expect, it } from 'vitest';
import { runCli } from '../../__tests__/support/cli.js';

describe('papi teardown --dry-run', () => {
  it('prints the DROP statements in reverse order, without --yes or credentials', async () => {
    const run = await runCli(['teardown', '--dry-run']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatchSnapshot();
  });

  it('--keep-data keeps the recommender database; --json prints one document', async () => {
    const run = await runCli(['--json', 'teardown', '--dry-run', '--keep-data']);
    expect(run.code).toBe(0);
    const plan = JSON.parse(run.stdout) as { command: string; keepData: boolean; steps: Array<{ statements: Array<{ sql: string }> }> };
    expect(plan.command).toBe('teardown');
    expect(plan.keepData).toBe(true);
    const sql = plan.steps.flatMap((s) => s.statements.map((st) => st.sql));
    expect(sql).toContain('DROP DATABASE IF EXISTS API');
    expect(sql).not.toContain('DROP DATABASE IF EXISTS MOVIE_RECOMMENDER_DB');
    expect(sql.at(-1)).toBe('DROP WAREHOUSE IF EXISTS DATA_API_WH');
  });

  it('refuses without --yes when nobody can answer a prompt (exit 2), before connecting', async () => {
    const run = await runCli(['teardown'], { env: { PAPI_TARGET: 'snowflake', SNOWFLAKE_ACCOUNT: 'nowhere', SNOWFLAKE_USER: 'u', SNOWFLAKE_PASSWORD: 'p' } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--yes');
  });
});

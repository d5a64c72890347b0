// data.source: tables against papi local: a data team's own ratings, titles and users, in another
// database under other column names (the review time in unix seconds), read in place through views (nothing copied). Setup checks
// the mapping before creating anything (a missing column is named, exit 2), then that the admin role
// may SELECT from the tables (the missing GRANT is printed, exit 2), then publishes from them; a row
// added to the source tables shows up on the next setup without any load.
import { writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPassword, runningInstance } from '../local/index.js';
import { connect, type Connection } from '../snowflake/driver.js';
import { runCli, tempDir, type CliRun } from './support/cli.js';

const project = tempDir('papi-source-tables-');
const env = { XDG_CACHE_HOME: join(project, 'cache'), NO_COLOR: '1' };
const papi = (...argv: string[]): Promise<CliRun> => runCli(argv, { cwd: project, env });
let admin: Connection;

function must(run: CliRun): CliRun {
  if (run.code !== 0) throw new Error(`papi exited ${run.code}\n${run.stderr}\n${run.stdout}`);
  return run;
}

/** papi.yaml mapping papi's columns to the shop's; `rating` and the users' `user` can be set wrong on purpose. */
function writeConfig(rating: string, customer = 'CUSTOMER_NO'): void {
  writeFileSync(
    join(project, 'papi.yaml'),
    `version: 1
snowflake:
  api:
    tableType: standard
data:
  source: tables
  tables:
    ratings: SHOP.CRM.REVIEWS
    titles: SHOP.CRM.PRODUCTS
    users: SHOP.CRM.CUSTOMERS
  columns:
    ratings: { user: CUSTOMER_NO, item: SKU, rating: ${rating}, timestamp: REVIEWED_AT }
    titles: { item: SKU, title: PRODUCT_NAME }
    users: { user: ${customer} }
`,
  );
}

beforeAll(async () => {
  must(await papi('local', 'start', '--detach'));
  const local = (await runningInstance(join(project, '.papi', 'local')))!;
  admin = await connect({ account: local.account, accessUrl: local.accessUrl, user: local.user, password: await readPassword(join(project, '.papi', 'local')), role: 'ACCOUNTADMIN' });
  // The data team's tables, made through the real driver: 8 customers, 6 products, other column names and types.
  await admin.execute('CREATE DATABASE SHOP');
  await admin.execute('CREATE SCHEMA SHOP.CRM');
  await admin.execute('CREATE TABLE SHOP.CRM.REVIEWS (CUSTOMER_NO NUMBER(38,0), SKU NUMBER(38,0), STARS NUMBER(3,1), REVIEWED_AT NUMBER(38,0))');
  await admin.execute('CREATE TABLE SHOP.CRM.PRODUCTS (SKU NUMBER(38,0), PRODUCT_NAME VARCHAR)');
  await admin.execute('CREATE TABLE SHOP.CRM.CUSTOMERS (CUSTOMER_NO NUMBER(38,0), EMAIL VARCHAR)');
  const reviews: string[] = [];
  for (let user = 1; user <= 8; user++)
    for (let item = 1; item <= 6; item++) if ((user + item) % 3 !== 0) reviews.push(`(${user}, ${item}, ${((user * item) % 5) + 1}, ${Date.UTC(2024, 11, item, 10) / 1000})`);
  await admin.execute(`INSERT INTO SHOP.CRM.REVIEWS VALUES ${reviews.join(', ')}`);
  await admin.execute("INSERT INTO SHOP.CRM.PRODUCTS VALUES (1, 'Kettle'), (2, 'Teapot'), (3, 'Mug'), (4, 'Tray'), (5, 'Spoon'), (6, 'Strainer')");
  await admin.execute(`INSERT INTO SHOP.CRM.CUSTOMERS VALUES ${[1, 2, 3, 4, 5, 6, 7, 8].map((n) => `(${n}, 'c${n}@example.com')`).join(', ')}`);
}, 120_000);

afterAll(async () => {
  await admin?.close();
  await papi('local', 'stop');
  await rm(project, { recursive: true, force: true });
}, 60_000);

describe('papi setup with data.source: tables', () => {
  it('names a mapped column the table does not have and one of an unusable type, and creates nothing', async () => {
    writeConfig('SCORE', 'EMAIL');
    const run = await papi('setup');
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain('data.columns.ratings.rating: SHOP.CRM.REVIEWS has no column SCORE');
    expect(run.stderr).toContain('STARS');
    // Integer user ids (service.idFormat: integer) cannot come from text.
    expect(run.stderr).toMatch(/data\.columns\.users\.user: SHOP\.CRM\.CUSTOMERS\.EMAIL is VARCHAR\S*; papi reads it as an integer NUMBER/);
    const databases = await admin.execute<{ name: string }>('SHOW DATABASES');
    expect(databases.map((d) => d.name)).not.toContain('MOVIE_RECOMMENDER_DB');
  });

  it('prints the GRANT the admin role is missing', async () => {
    writeConfig('STARS');
    const run = await papi('setup');
    expect(run.code, run.stderr).toBe(2);
    for (const table of ['REVIEWS', 'PRODUCTS', 'CUSTOMERS']) expect(run.stderr).toContain(`GRANT SELECT ON TABLE SHOP.CRM.${table} TO ROLE ML_MODEL_ROLE;`);
  });

  it('publishes from the tables in place once granted, and reads new rows on the next run', async () => {
    for (const table of ['REVIEWS', 'PRODUCTS', 'CUSTOMERS']) await admin.execute(`GRANT SELECT ON TABLE SHOP.CRM.${table} TO ROLE ML_MODEL_ROLE`);
    const run = must(await papi('setup', '--json'));
    const steps = (JSON.parse(run.stdout) as { steps: Array<{ id: string; outcome: string }> }).steps;
    expect(steps.map((s) => s.id)).not.toContain('load-ratings');
    expect(steps.find((s) => s.id === 'source-views')?.outcome).toBe('applied');
    const rows = await admin.execute<{ USER_ID: number; RECOMMENDATIONS: Array<{ movie_name: string }> }>(
      'SELECT USER_ID, RECOMMENDATIONS FROM API.DATA.HYBRID_MOVIE_RECOMMENDATIONS ORDER BY USER_ID',
    );
    expect(rows.map((r) => r.USER_ID)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const names = new Set(rows.flatMap((r) => r.RECOMMENDATIONS.map((m) => m.movie_name)));
    expect([...names].every((n) => ['Kettle', 'Teapot', 'Mug', 'Tray', 'Spoon', 'Strainer'].includes(n))).toBe(true);
    // Read in place: papi's names are views over the shop's tables, no copies.
    const tables = await admin.execute<{ name: string; kind: string }>('SHOW TABLES IN SCHEMA MOVIE_RECOMMENDER_DB.MOVIE_RECOMMENDER_SCHEMA');
    expect(tables.map((t) => t.name)).not.toContain('USER_RATINGS');
    const views = await admin.execute<{ name: string }>('SHOW VIEWS IN SCHEMA MOVIE_RECOMMENDER_DB.MOVIE_RECOMMENDER_SCHEMA');
    expect(views.map((v) => v.name).sort()).toEqual(['TITLE', 'USER', 'USER_RATINGS']);
    // Unix seconds read as timestamps (the item-knn decay orders ratings by them).
    const [first] = await admin.execute<{ N: number }>(
      "SELECT COUNT(*) AS N FROM MOVIE_RECOMMENDER_DB.MOVIE_RECOMMENDER_SCHEMA.USER_RATINGS WHERE TIMESTAMP = '2024-12-01 10:00:00'::TIMESTAMP_NTZ AND ITEM_ID = 1",
    );
    expect(Number(first!.N)).toBe(5); // item 1's reviews: users 1, 3, 4, 6, 7

    // A new customer with reviews: the next setup reads it, nothing loaded.
    await admin.execute('INSERT INTO SHOP.CRM.CUSTOMERS VALUES (9, NULL)');
    await admin.execute("INSERT INTO SHOP.CRM.REVIEWS VALUES (9, 1, 5, 1733565600), (9, 2, 4, 1733565600)");
    must(await papi('setup'));
    expect(Number((await admin.execute('SELECT COUNT(*) AS N FROM API.DATA.HYBRID_MOVIE_RECOMMENDATIONS'))[0]!.N)).toBe(9);
  });

  it('papi evaluate loads files only, and says so', async () => {
    const run = await papi('evaluate');
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain('data.source: tables is read in place by papi setup only');
    expect(run.stderr).toContain('--data sample');
  });
});

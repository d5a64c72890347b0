// Conformance: rows made by TABLE(GENERATOR(ROWCOUNT => n)) with SEQ4(), RANDOM() and RANDSTR(), as
// the Node driver's own tests use them to make large results
// (https://docs.snowflake.com/en/sql-reference/functions/generator,
// https://docs.snowflake.com/en/sql-reference/functions/randstr).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../snowflake/driver.js';
import { connectAdmin, driverFailure, startLocalUnderTest, type LocalUnderTest } from './support.js';

let target: LocalUnderTest;
let c: Connection;

beforeAll(async () => {
  target = await startLocalUnderTest('conformance-generator');
  c = await connectAdmin(target.local);
});

afterAll(async () => {
  await c?.close();
  await target?.close();
});

describe('TABLE(GENERATOR(ROWCOUNT => n))', () => {
  it('makes n rows: constants, SEQ4() from 0, COUNT(*)', async () => {
    expect(await c.execute('SELECT TRUE AS T FROM TABLE(GENERATOR(ROWCOUNT => 3))')).toEqual([{ T: true }, { T: true }, { T: true }]);
    expect(await c.execute('SELECT SEQ4() AS S FROM TABLE (GENERATOR(ROWCOUNT=>5)) ORDER BY S')).toEqual([0, 1, 2, 3, 4].map((S) => ({ S })));
    expect(await c.execute('SELECT COUNT(*) AS N FROM TABLE(GENERATOR(ROWCOUNT => 100000))')).toEqual([{ N: 100000 }]);
    expect(await c.execute('SELECT COUNT(*) AS N FROM TABLE(GENERATOR(ROWCOUNT => 0))')).toEqual([{ N: 0 }]);
  });

  it('RANDSTR(len, gen) has len alphanumeric characters, the same for the same gen; RANDOM() is an integer', async () => {
    const rows = await c.execute<{ R: string; S: string; N: number }>(
      'SELECT RANDSTR(12, RANDOM()) AS R, RANDSTR(8, 42) AS S, RANDOM() AS N FROM TABLE(GENERATOR(ROWCOUNT => 50))',
    );
    expect(rows).toHaveLength(50);
    for (const row of rows) {
      expect(row.R).toMatch(/^[A-Za-z0-9]{12}$/);
      expect(row.S).toBe(rows[0]!.S);
      expect(Number.isInteger(row.N)).toBe(true);
    }
    expect(new Set(rows.map((r) => r.R)).size).toBeGreaterThan(40);
    expect(await c.execute("SELECT RANDSTR(10, RANDOM()) AS C1 FROM TABLE(GENERATOR(ROWCOUNT => 10)) WHERE C1 = 'abc'")).toEqual([]);
  });

  it('refuses what it cannot play: TIMELIMIT and a seeded RANDOM (002040 naming them)', async () => {
    expect(await driverFailure(c.execute('SELECT COUNT(*) FROM TABLE(GENERATOR(TIMELIMIT => 1))'))).toMatchObject({
      code: '002040',
      message: expect.stringContaining('GENERATOR TIMELIMIT'),
    });
    expect(await driverFailure(c.execute('SELECT RANDOM(7)'))).toMatchObject({ code: '002040', message: expect.stringContaining('RANDOM with a seed') });
  });
});

import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { encodeResult, epochString } from './encode.js';

async function encode(sql: string) {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await connection.run("SET TimeZone = 'UTC'");
    const reader = await connection.runAndReadAll(sql);
    return encodeResult(reader.columnNames(), reader.columnTypes(), reader.getRows());
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

describe('wire encoding', () => {
  it('encodes every type as the driver expects', async () => {
    const { columns, rows } = await encode(`SELECT
      CAST(12.50 AS DECIMAL(38,2)) AS "FIXED2",
      CAST(-7 AS DECIMAL(38,0)) AS "FIXED0",
      42::BIGINT AS "BIG",
      3.5::DOUBLE AS "REAL",
      'héllo' AS "TEXT",
      TRUE AS "YES", FALSE AS "NO",
      '{"a":[1,2]}'::JSON AS "VAR",
      TIMESTAMP '2024-01-15 10:30:00.123456' AS "TS",
      TIMESTAMP '1969-12-31 23:59:59.5' AS "OLD",
      DATE '2024-01-02' AS "D",
      DATE '1969-12-31' AS "DNEG",
      TIME '10:00:01.5' AS "TM",
      [1, 2] AS "ARR",
      {'k': 'v'} AS "OBJ",
      '\\xAB\\x01'::BLOB AS "BIN",
      NULL::VARCHAR AS "NOTHING"`);
    const byName = Object.fromEntries(columns.map((c, i) => [c.name, { column: c, value: rows[0]![i] }]));
    expect(byName.FIXED2).toEqual({ column: expect.objectContaining({ type: 'fixed', precision: 38, scale: 2 }), value: '12.50' });
    expect(byName.FIXED0!.value).toBe('-7');
    expect(byName.BIG).toEqual({ column: expect.objectContaining({ type: 'fixed', precision: 38, scale: 0 }), value: '42' });
    expect(byName.REAL).toEqual({ column: expect.objectContaining({ type: 'real' }), value: '3.5' });
    expect(byName.TEXT).toEqual({ column: expect.objectContaining({ type: 'text', length: 16777216 }), value: 'héllo' });
    expect(byName.YES!.value).toBe('1');
    expect(byName.NO!.value).toBe('0');
    expect(byName.YES!.column.type).toBe('boolean');
    expect(byName.VAR!.column.type).toBe('variant');
    expect(JSON.parse(byName.VAR!.value!)).toEqual({ a: [1, 2] });
    expect(byName.TS).toEqual({ column: expect.objectContaining({ type: 'timestamp_ntz', scale: 9 }), value: '1705314600.123456000' });
    expect(byName.OLD!.value).toBe('-0.500000000');
    expect(byName.D).toEqual({ column: expect.objectContaining({ type: 'date' }), value: '19724' });
    expect(byName.DNEG!.value).toBe('-1');
    expect(byName.TM).toEqual({ column: expect.objectContaining({ type: 'time' }), value: '36001.500000000' });
    expect(byName.ARR!.column.type).toBe('array');
    expect(JSON.parse(byName.ARR!.value!)).toEqual([1, 2]);
    expect(JSON.parse(byName.OBJ!.value!)).toEqual({ k: 'v' });
    expect(byName.BIN).toEqual({ column: expect.objectContaining({ type: 'binary' }), value: 'AB01' });
    expect(byName.NOTHING!.value).toBeNull();
  });

  it('formats epoch seconds as the exact decimal with nine fraction digits, before the epoch too', () => {
    expect(epochString(1_705_314_600_123_456n, 1_000_000n)).toBe('1705314600.123456000');
    // One microsecond before 1970 is -0.000001 s: the driver reads the text as one decimal number.
    expect(epochString(-1n, 1_000_000n)).toBe('-0.000001000');
    expect(epochString(-1_250_000n, 1_000_000n)).toBe('-1.250000000');
    expect(epochString(0n, 1n)).toBe('0.000000000');
  });
});

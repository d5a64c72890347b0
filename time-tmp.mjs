import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';
const inst = await DuckDBInstance.create(':memory:');
const db = await inst.connect();
await db.run(`CREATE TABLE USER_RATINGS AS SELECT * FROM read_csv('/tmp/recs/r.csv', header=true)`);
await db.run(`CREATE TABLE TITLE AS SELECT DISTINCT ITEM_ID, 'x' AS TITLE FROM USER_RATINGS`);
await db.run(`CREATE TABLE "USER" AS SELECT DISTINCT USER_ID AS ID FROM USER_RATINGS`);
const t = async (label, sql) => { const t0 = performance.now(); const r = await db.runAndReadAll(sql); console.log(label, Math.round(performance.now() - t0), 'ms', JSON.stringify(r.getRowsJS()[0], (k,v)=>typeof v==='bigint'?Number(v):v)); };
for (const [f, vals] of [['item-knn', {half_life: '3', recent_ratings: '9'}]]) {
  let sql = readFileSync(`sql/recommend/${f}.sql`, 'utf8');
  const v = { top_table: 'TOP', ratings_table: 'USER_RATINGS', titles_table: 'TITLE', user_table: '"USER"', top_n: '10', ...vals };
  sql = sql.replace(/<% (\w+) %>/g, (_, k) => v[k]).replace('TRANSIENT ', '');
  await t(f, sql);
}

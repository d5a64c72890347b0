// Test support: every statement of papi's own sql/**/*.sql, with its `<% name %>` placeholders filled
// with plausible values of the right shape (numbers, keywords, 1–3 part names, $$ bodies), so the
// parser and translator tests always cover the SQL papi really sends.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const SQL_ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../../../sql');

const NUMBERS = /^(neighbors|neighbors_plus_one|top_n|half_life|recent_ratings|k|min_nodes|max_nodes|min_instances|max_instances)$/;
const VALUES: Record<string, string> = {
  warehouse_size: 'XSMALL',
  instance_family: 'CPU_X64_XS',
  specification: "$$\nspec:\n  containers:\n  - name: api\n    image: /api/data/repo/papi:1\n$$",
  public_key: "'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA'",
  slot: 'RSA_PUBLIC_KEY',
  file: "'file:///tmp/papi/ratings.csv'",
  folder: 'ratings',
  neighbors_plus_one: '4',
  user_table: 'MOVIE_RECOMMENDER_DB.MOVIE_RECOMMENDER_SCHEMA."USER"',
  schedule: "'60 MINUTE'",
  body: '$$\nBEGIN\nCREATE OR REPLACE TABLE DB.SCH.R AS SELECT 1 AS A;\nGRANT SELECT ON TABLE DB.SCH.R TO ROLE P_API_ROLE;\nEND;\n$$',
  task_name: "'REFRESH_RECOMMENDATIONS'",
  user_id_type: 'NUMBER(38,0)',
};

function placeholder(name: string): string {
  if (name in VALUES) return VALUES[name]!;
  if (NUMBERS.test(name)) return '3';
  if (/(_role|^warehouse|_user|compute_pool|database)$/.test(name)) return `P_${name.toUpperCase()}`;
  if (/schema$/.test(name)) return `DB.P_${name.toUpperCase()}`;
  return `DB.SCH.P_${name.toUpperCase()}`;
}

export function renderPapiSql(text: string): string {
  return text.replace(/<%\s*([a-z_]+)\s*%>/g, (_, name: string) => placeholder(name));
}

/**
 * Files papi prints for people to run on Snowflake and never runs itself: papi local refuses what
 * they do by name (network policies, 002040), and their placeholders are for people to fill in.
 */
const PRINTED_ONLY = new Set(['token/pat-network-policy.sql']);

/** [relative path, rendered text] of every .sql file under sql/ that papi runs. */
export function papiSqlFiles(): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir).sort()) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (entry.endsWith('.sql') && !PRINTED_ONLY.has(relative(SQL_ROOT, path))) out.push([relative(SQL_ROOT, path), renderPapiSql(readFileSync(path, 'utf8'))]);
    }
  };
  walk(SQL_ROOT);
  return out;
}

// The Snowflake SQL front end of papi local: parse Snowflake text into a typed AST (ast.ts), then
// translate queries and DML into DuckDB SQL (translate.ts). Everything else the executor needs
// (catalog, privileges, stages, SHOW) it does itself on the AST.
//
// How the executor uses it (ctx resolves names against the catalog and carries session values):
//
//   const ctx: TranslateContext = {
//     resolveTable: (name) => ({ sql: '"t42"', columns: [{ name: 'USER_ID', type }] }), // or throw 002003
//     session: { role, user, database, schema, warehouse, account, accountLocator, region, version },
//     bind: (i) => `$${i}`, bindType: (i) => snowflakeTypeOfBind(i),  // both optional
//     systemFunction: (call) => ({ sql: "'READY'" }),                  // SYSTEM$… evaluated beforehand
//   };
//   const stmt = parse(sqlText);                          // throws SqlError 001003 / 002040 / 000008
//   if (stmt.kind === 'select') {                         // names come back as Snowflake names them
//     const { sql, columns } = translateQuery(stmt.query, ctx);  // → runAndReadAll(sql, params)
//   } else if (stmt.kind === 'insert') {                  // INSERT [OVERWRITE] INTO … VALUES | SELECT
//     const { statements, countStatement } = translateInsert(stmt, ctx); // one transaction; rows
//     // inserted = changed-row count of statements[countStatement] (OVERWRITE adds a DELETE first)
//   } else if (stmt.kind === 'createTable' && stmt.as) {  // CTAS: create the table from stmt.columns
//     // (duckType(col.type)) or, without a list, from translateQuery(stmt.as, ctx).columns' result
//     // types; then fill it: translateInsert({ kind: 'insert', overwrite: false, table: stmt.name,
//     //   source: { kind: 'query', query: stmt.as } }, ctx) once stmt.name resolves.
//   }
//   // UPDATE / DELETE / MERGE: translateUpdate|translateDelete|translateMerge(stmt, ctx).sql.
export * from './ast.js';
export { parse, parseScript, splitStatements, parseStageRef, parseNameText, unsupported } from './parser.js';
export { tokenize, syntaxError } from './lexer.js';
export {
  translateQuery,
  translateInsert,
  translateInsertOverwrite,
  translateUpdate,
  translateDelete,
  translateMerge,
  translateExpression,
  type TranslateContext,
  type ResolvedRelation,
  type ColumnInfo,
  type OutputColumn,
  type TranslatedQuery,
  type TranslatedInsert,
  type SessionValues,
  type Typed,
} from './translate.js';
export { canonical, duckType, typeText } from './types.js';
export { quoteIdent, sqlString } from './render.js';
export { FUNCTIONS } from './functions.js';

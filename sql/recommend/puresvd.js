// The puresvd procedure's entry, after puresvd-math.js in its JavaScript body
// (sql/recommend/puresvd.sql creates it, papi CALLs it). Its arguments are the tables papi validated
// and quoted, as strings every statement takes through IDENTIFIER(?) (nothing is pasted into SQL),
// and the model's settings. It reads the ratings, fits PureSVD and writes each user's top TOP_N into
// TOP_TABLE (USER_ID, ITEM_ID, SCORE, ITEM_RANK), as the SQL recommenders do. Returns a summary.
//  * a user's repeated ratings of an item count once, as their average; a rating of any value is
//    its value in R (missing = 0), as PureSVD defines it;
//  * recommended: titles (items in TITLES_TABLE) the user has not rated, for the users in
//    USERS_TABLE who have ratings; equal scores (rounded to 9 decimals) go to the lower item id;
//  * user ids are read as text and written back as text into a column of the ratings' own type, so
//    NUMBER and VARCHAR ids come out as they went in.

/** The random block's seed: fixed, so every run gives the same recommendations. */
var SEED = 20100926;
/** Rows per INSERT: one JSON bind each. */
var INSERT_ROWS = 10000;

function recommendPureSvd(ratingsTable, titlesTable, usersTable, topTable, topN, factors, iterations) {
  var started = Date.now();
  var query = function (sqlText, binds) {
    return snowflake.execute({ sqlText: sqlText, binds: binds });
  };

  // R, a row per user in user order (the ORDER BY keeps the same users in the same rows on every
  // run); one result row per user, their items and ratings as two arrays in the same item order.
  var rs = query(
    'SELECT USER_ID, ARRAY_AGG(ITEM_ID) WITHIN GROUP (ORDER BY ITEM_ID) AS ITEMS, ' +
      'ARRAY_AGG(RATING) WITHIN GROUP (ORDER BY ITEM_ID) AS RATINGS ' +
      'FROM (SELECT USER_ID, ITEM_ID, AVG(RATING) AS RATING FROM IDENTIFIER(?) ' +
      'WHERE USER_ID IS NOT NULL AND ITEM_ID IS NOT NULL AND RATING IS NOT NULL GROUP BY USER_ID, ITEM_ID) ' +
      'GROUP BY USER_ID ORDER BY USER_ID',
    [ratingsTable]
  );
  var userIds = [];
  var userRow = {};
  var rowOf = new Int32Array(1024);
  var itemOf = new Float64Array(1024);
  var valueOf = new Float64Array(1024);
  var count = 0;
  while (rs.next()) {
    var user = rs.getColumnValueAsString(1);
    var items = rs.getColumnValue(2);
    var values = rs.getColumnValue(3);
    userRow[user] = userIds.length;
    userIds.push(user);
    while (count + items.length > rowOf.length) {
      rowOf = grown(rowOf);
      itemOf = grown(itemOf);
      valueOf = grown(valueOf);
    }
    for (var k = 0; k < items.length; k++) {
      rowOf[count] = userIds.length - 1;
      itemOf[count] = Number(items[k]);
      valueOf[count] = Number(values[k]);
      count++;
    }
  }
  // Columns in ascending item id order: ties go to the lower column, so to the lower id.
  var itemIds = Array.from(new Set(itemOf.subarray(0, count))).sort(function (a, b) {
    return a - b;
  });
  var columnOf = new Map();
  for (var c = 0; c < itemIds.length; c++) columnOf.set(itemIds[c], c);
  var columns = new Int32Array(count);
  for (var e = 0; e < count; e++) columns[e] = columnOf.get(itemOf[e]);
  var matrix = sparseRows(rowOf.subarray(0, count), columns, valueOf.subarray(0, count), userIds.length, itemIds.length);
  itemOf = valueOf = columns = null;

  var titled = new Uint8Array(itemIds.length);
  rs = query('SELECT DISTINCT ITEM_ID FROM IDENTIFIER(?) WHERE ITEM_ID IS NOT NULL', [titlesTable]);
  while (rs.next()) {
    var column = columnOf.get(rs.getColumnValue(1));
    if (column !== undefined) titled[column] = 1;
  }
  var targets = [];
  rs = query('SELECT DISTINCT ID FROM IDENTIFIER(?) WHERE ID IS NOT NULL', [usersTable]);
  while (rs.next()) {
    var row = userRow[rs.getColumnValueAsString(1)];
    if (row !== undefined) targets.push(row);
  }
  targets.sort(function (a, b) {
    return a - b;
  });

  var fitted = Date.now();
  var q = topRightSingularVectors(matrix, factors, iterations, SEED);
  var scoring = Date.now();

  // The top table, its USER_ID of the ratings' type (CTAS of no rows), then the rows in batches.
  query(
    'CREATE OR REPLACE TRANSIENT TABLE IDENTIFIER(?) AS ' +
      'SELECT USER_ID, ITEM_ID, CAST(NULL AS FLOAT) AS SCORE, CAST(NULL AS NUMBER(38,0)) AS ITEM_RANK FROM IDENTIFIER(?) LIMIT 0',
    [topTable, ratingsTable]
  );
  var insert =
    'INSERT INTO IDENTIFIER(?) (USER_ID, ITEM_ID, SCORE, ITEM_RANK) ' +
    'SELECT f.value[0]::VARCHAR, f.value[1]::NUMBER(38,0), f.value[2]::FLOAT, f.value[3]::NUMBER(38,0) ' +
    'FROM TABLE(FLATTEN(INPUT => PARSE_JSON(?))) f';
  var batch = [];
  var rowsWritten = 0;
  var insertMs = 0;
  var rated = new Uint8Array(itemIds.length);
  for (var t = 0; t < targets.length; t++) {
    var best = userTop(matrix, targets[t], q.block, q.width, titled, topN, rated);
    for (var r = 0; r < best.length; r++) batch.push([userIds[targets[t]], itemIds[best[r].column], best[r].score, r + 1]);
    if (batch.length >= INSERT_ROWS || (t === targets.length - 1 && batch.length > 0)) {
      var inserting = Date.now();
      query(insert, [topTable, JSON.stringify(batch)]);
      insertMs += Date.now() - inserting;
      rowsWritten += batch.length;
      batch = [];
    }
  }
  // Where the time went: reading the tables, fitting Q, scoring and writing.
  var done = Date.now();
  return {
    users: userIds.length,
    items: itemIds.length,
    ratings: count,
    factors: q.width,
    iterations: iterations,
    rows: rowsWritten,
    readMs: fitted - started,
    fitMs: scoring - fitted,
    scoreMs: done - scoring - insertMs,
    insertMs: insertMs
  };
}

/** A typed array twice as long, with the same start. */
function grown(array) {
  var bigger = new array.constructor(array.length * 2);
  bigger.set(array);
  return bigger;
}

return recommendPureSvd(RATINGS_TABLE, TITLES_TABLE, USERS_TABLE, TOP_TABLE, TOP_N, FACTORS, ITERATIONS);

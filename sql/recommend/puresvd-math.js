// PureSVD's linear algebra, the first half of the puresvd procedure's JavaScript body (papi joins it
// with puresvd.js). Plain functions over typed arrays, no Snowflake object: Snowflake runs them inside
// the procedure, papi's tests run them alone. Matrices are dense row-major Float64Arrays; the ratings
// are a sparse matrix R (users × items) in compressed rows.
//
// PureSVD (Cremonesi, Koren, Turrin 2010) scores a user's unrated items by r_u · Q · Qᵀ, Q the top
// `factors` right singular vectors of R (the top eigenvectors of RᵀR). Q is found by randomized
// subspace iteration (Halko, Martinsson, Tropp 2011): a seeded random block of factors + OVERSAMPLE
// columns, multiplied by RᵀR `iterations` times with an orthonormalisation after each product, then
// the best `factors` directions of that block by Rayleigh–Ritz (Jacobi on a small square matrix).
// The cost is sparse × dense block products (ratings × block width per product), never an
// items × items matrix.

/** Extra columns of the random block: the top `factors` directions converge faster inside a wider block. */
var OVERSAMPLE = 10;

/** A seeded 32-bit generator (mulberry32): the same block, so the same recommendations, on every run. */
function seededRandom(seed) {
  var state = seed >>> 0;
  return function () {
    state = (state + 0x6d2b79f5) >>> 0;
    var t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The sparse ratings matrix from (row, column, value) triples sorted by row: rowStart[u] .. rowStart[u + 1]
 * index the columns and values of row u.
 */
function sparseRows(rows, columns, values, rowCount, columnCount) {
  var nonZeros = rows.length;
  var rowStart = new Int32Array(rowCount + 1);
  for (var e = 0; e < nonZeros; e++) rowStart[rows[e] + 1]++;
  for (var u = 0; u < rowCount; u++) rowStart[u + 1] += rowStart[u];
  var column = new Int32Array(nonZeros);
  var value = new Float64Array(nonZeros);
  var next = Int32Array.from(rowStart.subarray(0, rowCount));
  for (var f = 0; f < nonZeros; f++) {
    var at = next[rows[f]]++;
    column[at] = columns[f];
    value[at] = values[f];
  }
  return { rows: rowCount, columns: columnCount, rowStart: rowStart, column: column, value: value };
}

/** R · B: B is columns(R) × width, the result rows(R) × width. */
function timesBlock(matrix, block, width) {
  var out = new Float64Array(matrix.rows * width);
  for (var u = 0; u < matrix.rows; u++) {
    var o = u * width;
    for (var e = matrix.rowStart[u]; e < matrix.rowStart[u + 1]; e++) {
      var v = matrix.value[e];
      var b = matrix.column[e] * width;
      for (var c = 0; c < width; c++) out[o + c] += v * block[b + c];
    }
  }
  return out;
}

/** Rᵀ · B: B is rows(R) × width, the result columns(R) × width (no transposed copy of R). */
function transposeTimesBlock(matrix, block, width) {
  var out = new Float64Array(matrix.columns * width);
  for (var u = 0; u < matrix.rows; u++) {
    var b = u * width;
    for (var e = matrix.rowStart[u]; e < matrix.rowStart[u + 1]; e++) {
      var v = matrix.value[e];
      var o = matrix.column[e] * width;
      for (var c = 0; c < width; c++) out[o + c] += v * block[b + c];
    }
  }
  return out;
}

/**
 * Orthonormalises the columns of `block` (length × width) in place: modified Gram–Schmidt, run twice
 * (one pass loses orthogonality when columns are nearly dependent). A column with nothing left after
 * the projections (the data has fewer independent directions than the block) becomes zero.
 */
function orthonormalize(block, length, width) {
  for (var pass = 0; pass < 2; pass++) {
    for (var j = 0; j < width; j++) {
      var before = columnNorm(block, length, width, j);
      for (var p = 0; p < j; p++) {
        var dot = 0;
        for (var r = 0; r < length; r++) dot += block[r * width + j] * block[r * width + p];
        if (dot !== 0) for (var q = 0; q < length; q++) block[q * width + j] -= dot * block[q * width + p];
      }
      var after = columnNorm(block, length, width, j);
      // What is left of a dependent column is rounding noise: drop it rather than blow it up.
      var scale = after > 1e-9 * before ? 1 / after : 0;
      for (var w = 0; w < length; w++) block[w * width + j] *= scale;
    }
  }
}

function columnNorm(block, length, width, j) {
  var sum = 0;
  for (var i = 0; i < length; i++) sum += block[i * width + j] * block[i * width + j];
  return Math.sqrt(sum);
}

/**
 * Eigen-decomposition of a symmetric size × size matrix (row-major, not changed) by cyclic Jacobi
 * rotations: { values, vectors } with the eigenvalues descending and the matching eigenvectors as the
 * columns of `vectors` (row-major). For the small Rayleigh–Ritz matrix (factors + OVERSAMPLE square).
 */
function symmetricEigen(matrix, size) {
  var a = Float64Array.from(matrix);
  var v = new Float64Array(size * size);
  for (var d = 0; d < size; d++) v[d * size + d] = 1;
  for (var sweep = 0; sweep < 100; sweep++) {
    var off = 0;
    var total = 0;
    for (var i = 0; i < size; i++)
      for (var j = 0; j < size; j++) {
        var x = a[i * size + j] * a[i * size + j];
        total += x;
        if (i !== j) off += x;
      }
    if (off <= 1e-30 * total || off === 0) break;
    for (var p = 0; p < size - 1; p++)
      for (var q = p + 1; q < size; q++) {
        var apq = a[p * size + q];
        if (apq === 0) continue;
        var theta = (a[q * size + q] - a[p * size + p]) / (2 * apq);
        var t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        var c = 1 / Math.sqrt(t * t + 1);
        var s = t * c;
        for (var k = 0; k < size; k++) {
          var akp = a[k * size + p];
          var akq = a[k * size + q];
          a[k * size + p] = c * akp - s * akq;
          a[k * size + q] = s * akp + c * akq;
        }
        for (var l = 0; l < size; l++) {
          var apl = a[p * size + l];
          var aql = a[q * size + l];
          a[p * size + l] = c * apl - s * aql;
          a[q * size + l] = s * apl + c * aql;
        }
        for (var m = 0; m < size; m++) {
          var vmp = v[m * size + p];
          var vmq = v[m * size + q];
          v[m * size + p] = c * vmp - s * vmq;
          v[m * size + q] = s * vmp + c * vmq;
        }
      }
  }
  var order = [];
  for (var o = 0; o < size; o++) order.push(o);
  order.sort(function (x, y) {
    return a[y * size + y] - a[x * size + x] || x - y;
  });
  var values = new Float64Array(size);
  var vectors = new Float64Array(size * size);
  for (var n = 0; n < size; n++) {
    values[n] = a[order[n] * size + order[n]];
    for (var row = 0; row < size; row++) vectors[row * size + n] = v[row * size + order[n]];
  }
  return { values: values, vectors: vectors };
}

/**
 * The top `factors` right singular vectors of the sparse `matrix`, as a columns(matrix) × factors
 * block Q (orthonormal columns, strongest first), by `iterations` rounds of subspace iteration from
 * a block seeded with `seed`. Fewer columns when the matrix has fewer rows or columns.
 */
function topRightSingularVectors(matrix, factors, iterations, seed) {
  var n = matrix.columns;
  var k = Math.max(0, Math.min(factors, n, matrix.rows));
  var width = Math.min(k + OVERSAMPLE, n, matrix.rows);
  if (k === 0) return { block: new Float64Array(0), width: 0 };
  var random = seededRandom(seed);
  var q = new Float64Array(n * width);
  for (var i = 0; i < q.length; i++) q[i] = random() - 0.5;
  orthonormalize(q, n, width);
  for (var round = 0; round < iterations; round++) {
    q = transposeTimesBlock(matrix, timesBlock(matrix, q, width), width);
    orthonormalize(q, n, width);
  }
  // Rayleigh–Ritz: the eigenvectors of Qᵀ RᵀR Q = (RQ)ᵀ(RQ) rotate Q onto its strongest directions.
  var rq = timesBlock(matrix, q, width);
  var gram = new Float64Array(width * width);
  for (var u = 0; u < matrix.rows; u++)
    for (var a = 0; a < width; a++) {
      var x = rq[u * width + a];
      if (x === 0) continue;
      for (var b = 0; b < width; b++) gram[a * width + b] += x * rq[u * width + b];
    }
  var eigen = symmetricEigen(gram, width);
  var top = new Float64Array(n * k);
  for (var r = 0; r < n; r++)
    for (var c = 0; c < k; c++) {
      var sum = 0;
      for (var w = 0; w < width; w++) sum += q[r * width + w] * eigen.vectors[w * width + c];
      top[r * k + c] = sum;
    }
  return { block: top, width: k };
}

/**
 * One user's best `topN` columns by r_u · Q · Qᵀ among `candidate` columns they have not rated
 * (`rated`: a zeroed Uint8Array of one mark per column, used as scratch):
 * [{ column, score }] best first, scores rounded to 9 decimals so equal scores tie and go to the lower
 * column (columns are numbered in ascending item id order).
 */
function userTop(matrix, u, q, width, candidate, topN, rated) {
  var start = matrix.rowStart[u];
  var end = matrix.rowStart[u + 1];
  var profile = new Float64Array(width);
  for (var e = start; e < end; e++) {
    var v = matrix.value[e];
    var o = matrix.column[e] * width;
    for (var c = 0; c < width; c++) profile[c] += v * q[o + c];
  }
  // `rated`: a mark per column, set for this user's and cleared before returning (no allocation per user).
  for (var f = start; f < end; f++) rated[matrix.column[f]] = 1;
  // The best so far, worst first (a sorted list: topN is small).
  var best = [];
  var floor = -Infinity;
  for (var i = 0; i < matrix.columns; i++) {
    if (!candidate[i] || rated[i]) continue;
    var s = 0;
    var b = i * width;
    for (var d = 0; d < width; d++) s += q[b + d] * profile[d];
    if (s < floor - 1e-9) continue;
    s = Math.round(s * 1e9) / 1e9;
    if (best.length === topN && s <= floor) continue;
    var at = 0;
    // Equal scores: the lower column (seen first) ranks higher, so it sits after the later one.
    while (at < best.length && best[at].score < s) at++;
    best.splice(at, 0, { column: i, score: s });
    if (best.length > topN) best.shift();
    if (best.length === topN) floor = best[0].score;
  }
  for (var g = start; g < end; g++) rated[matrix.column[g]] = 0;
  return best.reverse();
}

// Snowflake identifiers: the only names papi ever puts into SQL text. Unquoted identifiers are stored
// upper case; anything else must be double-quoted with embedded quotes doubled.

const UNQUOTED = /^[A-Za-z_][A-Za-z0-9_$]*$/;
const MAX_LENGTH = 255;

/** Snowflake's reserved words: unquoted they are not identifiers. */
export const RESERVED_WORDS: ReadonlySet<string> = new Set(
  `ACCOUNT ALL ALTER AND ANY AS BETWEEN BY CASE CAST CHECK COLUMN CONNECT CONNECTION CONSTRAINT CREATE CROSS
  CURRENT CURRENT_DATE CURRENT_TIME CURRENT_TIMESTAMP CURRENT_USER DATABASE DELETE DISTINCT DROP ELSE EXISTS
  FALSE FOLLOWING FOR FROM FULL GRANT GROUP GSCLUSTER HAVING ILIKE IN INCREMENT INNER INSERT INTERSECT INTO IS
  ISSUE JOIN LATERAL LEFT LIKE LOCALTIME LOCALTIMESTAMP MINUS NATURAL NOT NULL OF ON OR ORDER ORGANIZATION
  QUALIFY REGEXP REVOKE RIGHT RLIKE ROW ROWS SAMPLE SCHEMA SELECT SET SOME START TABLE TABLESAMPLE THEN TO
  TRIGGER TRUE TRY_CAST UNION UNIQUE UPDATE USING VALUES VIEW WHEN WHENEVER WHERE WITH`.split(/\s+/),
);

/** Names papi always quotes: the reserved words, and USER, which the tutorial quotes ("USER"). */
const RESERVED = new Set([...RESERVED_WORDS, 'USER']);

export class IdentifierError extends Error {}

/**
 * Validates a name from config. Accepted: a plain identifier (letters, digits, _ and $, not starting
 * with a digit), which Snowflake folds to upper case. Returned in its stored (upper-case) form.
 */
export function checkIdentifier(name: string, what = 'name'): string {
  if (typeof name !== 'string' || name.length === 0) throw new IdentifierError(`${what} is empty`);
  if (name.length > MAX_LENGTH) throw new IdentifierError(`${what} is longer than ${MAX_LENGTH} characters`);
  if (!UNQUOTED.test(name))
    throw new IdentifierError(
      `${what} "${name}" is not a plain Snowflake identifier (letters, digits, _ and $; not starting with a digit)`,
    );
  return name.toUpperCase();
}

/** The SQL text for a stored (case-exact) identifier: bare when Snowflake would fold it to itself. */
export function quoteIdentifier(stored: string): string {
  if (UNQUOTED.test(stored) && stored === stored.toUpperCase() && !RESERVED.has(stored)) return stored;
  return `"${stored.replaceAll('"', '""')}"`;
}

/** A dotted name (DB.SCHEMA.TABLE) from its stored parts. */
export function qualifiedName(...parts: string[]): string {
  return parts.map(quoteIdentifier).join('.');
}

export function isReservedWord(word: string): boolean {
  return RESERVED.has(word.toUpperCase());
}

// Parsing the ids of GET /customer/:ids. The only text from the URL that reaches the store, and it
// reaches it as bind values, never as SQL. Decisions (tested in ids.test.ts):
// - numeric ids are 1–38 ASCII digits (Snowflake NUMBER(38,0)); no sign, space, decimal point or
//   exponent; non-ASCII digits are rejected;
// - leading zeros are accepted and dropped ("022" is 22), so "022" and "22" share a cache entry;
// - zero (in any spelling) is not a positive integer and is rejected;
// - alphanumeric keys are [A-Za-z0-9_-]{1,64}, compared exactly (case-sensitive, as Snowflake does);
// - an empty part ("22,,196", "22,") is an error, and so is a list longer than maxIds (counted
//   before duplicates are removed, so the cost of a request is bounded by its length);
// - duplicates are answered once, at the position they were first asked.

export type IdFormat = 'numeric' | 'alphanumeric';

export interface IdRules {
  format: IdFormat;
  maxIds: number;
}

export type ParsedIds = { ok: true; ids: string[] } | { ok: false; error: string };

const NUMERIC = /^[0-9]{1,38}$/;
const ALPHANUMERIC = /^[A-Za-z0-9_-]{1,64}$/;
/** Longest piece of a bad part quoted back in an error message. */
const QUOTE_LIMIT = 40;

export function parseIds(raw: string, rules: IdRules): ParsedIds {
  // One id (most requests): no list to split, no duplicates to look for.
  if (!raw.includes(',') && rules.maxIds >= 1) {
    const id = rules.format === 'numeric' ? numericId(raw) : alphanumericId(raw);
    return typeof id === 'string' ? { ok: true, ids: [id] } : { ok: false, error: badPart(id, 0, raw, rules.format) };
  }
  const parts = raw.split(',');
  if (parts.length > rules.maxIds) {
    return { ok: false, error: `too many ids: ${parts.length} (at most ${rules.maxIds} per request)` };
  }
  const seen = new Set<string>();
  const ids: string[] = [];
  for (let index = 0; index < parts.length; index++) {
    const part = parts[index]!;
    const id = rules.format === 'numeric' ? numericId(part) : alphanumericId(part);
    if (typeof id !== 'string') {
      return { ok: false, error: badPart(id, index, part, rules.format) };
    }
    if (!seen.has(id)) {
      seen.add(id);
      ids.push(id);
    }
  }
  return { ok: true, ids };
}

type Problem = { problem: string };

function badPart(id: Problem, index: number, part: string, format: IdFormat): string {
  return `${id.problem} at position ${index + 1}: ${quotePart(part)}; ${expected(format)}`;
}

function numericId(part: string): string | Problem {
  if (part.length === 0) return { problem: 'empty id' };
  if (!NUMERIC.test(part)) return { problem: 'invalid id' };
  const canonical = part.charCodeAt(0) === 0x30 ? part.replace(/^0+/, '') : part;
  if (canonical.length === 0) return { problem: 'invalid id (zero)' };
  return canonical;
}

function alphanumericId(part: string): string | Problem {
  if (part.length === 0) return { problem: 'empty id' };
  if (!ALPHANUMERIC.test(part)) return { problem: 'invalid id' };
  return part;
}

function expected(format: IdFormat): string {
  return format === 'numeric'
    ? 'expected comma-separated positive integers of at most 38 digits'
    : 'expected comma-separated keys of 1 to 64 letters, digits, _ or -';
}

/**
 * A bad part as it may be shown back: at most QUOTE_LIMIT characters, in double quotes, with
 * everything outside printable ASCII and the characters that matter to HTML written as \uXXXX.
 */
export function quotePart(part: string): string {
  const chars = Array.from(part);
  const shown = chars.length > QUOTE_LIMIT ? chars.slice(0, QUOTE_LIMIT).join('') : part;
  const escaped = Array.from(shown)
    .map((ch) => {
      const code = ch.codePointAt(0)!;
      const safe = code >= 0x20 && code < 0x7f && !'"\\<>&\''.includes(ch);
      if (safe) return ch;
      // Astral characters become their two UTF-16 units, as JSON would write them.
      return Array.from({ length: ch.length }, (_, i) => `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`).join('');
    })
    .join('');
  return `"${escaped}"${chars.length > QUOTE_LIMIT ? `… (${chars.length} characters)` : ''}`;
}

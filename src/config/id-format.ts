// The user id formats papi serves (service.idFormat). The service checks the ids of a request with
// the same rules in service/src/ids.ts (it ships alone and shares no code with the CLI).
//   integer       whole numbers, NUMBER(38,0) columns (the tutorial's, and the default);
//   alphanumeric  1 to 64 ASCII letters, digits, '_' or '-', VARCHAR(64) columns, compared exactly
//                 (case-sensitive, leading zeros kept: "007" and "7" are two users).
export type IdFormat = 'integer' | 'alphanumeric';

export const ALPHANUMERIC_ID_MAX = 64;
export const ALPHANUMERIC_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The column type user ids are stored in. */
export const ID_COLUMN_TYPES: Record<IdFormat, string> = { integer: 'NUMBER(38,0)', alphanumeric: 'VARCHAR(64)' };

/**
 * User number n as the generated sample writes it in the format: `22`, or `user-22` for
 * alphanumeric ids (text, so the recommender and the service meet ids that are not numbers).
 */
export function sampleUserId(n: number, format: IdFormat = 'integer'): string {
  return format === 'integer' ? String(n) : `user-${n}`;
}

/** The user `papi up` asks for: the tutorial's 22, in the configured format. */
export const exampleUserId = (format: IdFormat): string => sampleUserId(22, format);

/** What an id of the format looks like, for messages. */
export const ID_FORMAT_RULES: Record<IdFormat, string> = {
  integer: 'whole numbers of at most 38 digits',
  alphanumeric: `1 to ${ALPHANUMERIC_ID_MAX} letters (A-Z, a-z), digits, _ or -`,
};

// ALTER USER … ADD / REMOVE PROGRAMMATIC ACCESS TOKEN. The secret is shown once, by ADD; the catalog
// keeps only its SHA-256 (model/user-credentials.ts verifies tokens and lists their status).
//
// Not modelled: network policies (Snowflake requires one for a user's PATs — to generate them too for
// TYPE = SERVICE users — unless an authentication policy says otherwise; papi local has none and
// refuses NETWORK_POLICY and CREATE NETWORK … by name, so it accepts PATs Snowflake would refuse and
// MINS_TO_BYPASS_NETWORK_POLICY_REQUIREMENT is only recorded), MODIFY / ROTATE, and the 30-day
// disappearance of expired tokens from SHOW.
import { randomBytes } from 'node:crypto';
import { SqlError } from '../../errors.js';
import { textColumn } from '../formats/encode.js';
import { alreadyExists, doesNotExist, invalid, StatementType, succeeded } from '../formats/messages.js';
import { optionText } from '../formats/property-values.js';
import { now, type ProgrammaticAccessTokenEntry, type UserEntry } from '../model/catalog.js';
import type { Exec } from '../model/core.js';
import { display, lastPart } from '../model/name-resolution.js';
import { userRoles } from '../model/privileges.js';
import { secretHash, tokenOwner } from '../model/user-credentials.js';
import type * as ast from '../sql/ast.js';
import type { StatementResult } from '../types.js';

/** Snowflake's defaults: 15 days, at most 365 (the account's maximum by default). */
const DEFAULT_DAYS_TO_EXPIRY = 15;
const MAX_DAYS_TO_EXPIRY = 365;
const MAX_MINS_TO_BYPASS = 1440;
const DAY_MS = 86_400_000;
const TOKEN_PROPERTIES = ['ROLE_RESTRICTION', 'DAYS_TO_EXPIRY', 'MINS_TO_BYPASS_NETWORK_POLICY_REQUIREMENT', 'COMMENT'];

export function alterUserToken(ex: Exec, stmt: ast.AlterUserTokenStatement): StatementResult {
  const user = tokenOwner(ex, stmt.user);
  if (!user) {
    if (stmt.ifExists) return succeeded();
    throw doesNotExist('User', display(stmt.user ? lastPart(stmt.user) : ex.session.user));
  }
  const tokens = (user.programmaticAccessTokens ??= []);
  const name = stmt.action.token.name;
  const existing = tokens.find((t) => t.name === name);
  if (stmt.action.kind === 'remove') {
    // Message and number UNCONFIRMED (Snowflake's docs do not show this error).
    if (!existing) throw new SqlError('002003', '02000', `SQL compilation error:\nProgrammatic access token '${display(name)}' does not exist or not authorized.`);
    user.programmaticAccessTokens = tokens.filter((t) => t !== existing);
    ex.core.changed();
    return succeeded();
  }
  if (existing) {
    // IF NOT EXISTS: nothing is created and no secret is returned (Snowflake's docs).
    if (stmt.action.ifNotExists) return alreadyExists(display(name));
    // Message and number UNCONFIRMED.
    throw new SqlError('002002', '42710', `SQL compilation error:\nProgrammatic access token '${display(name)}' already exists.`);
  }
  const entry = newToken(ex, user, name, stmt.action.properties);
  const secret = randomBytes(32).toString('base64url');
  tokens.push({ ...entry, secretHash: secretHash(secret) });
  ex.core.changed();
  return { kind: 'rows', columns: [textColumn('token_name'), textColumn('token_secret')], rows: [[name, secret]], statementTypeId: StatementType.ddl };
}

function newToken(ex: Exec, user: UserEntry, name: string, properties: ast.Properties): Omit<ProgrammaticAccessTokenEntry, 'secretHash'> {
  for (const key of Object.keys(properties)) if (!TOKEN_PROPERTIES.includes(key)) throw invalid(`invalid property '${key}' for 'PROGRAMMATIC ACCESS TOKEN'`);
  const roleRestriction = roleName(optionText(properties.ROLE_RESTRICTION));
  // The next three texts are papi local's: Snowflake documents the rules, not its messages.
  if (roleRestriction === undefined && user.type !== 'PERSON') throw invalid(`ROLE_RESTRICTION is required for a programmatic access token of a user with TYPE = ${user.type}.`);
  if (roleRestriction !== undefined && !userRoles(ex.core.state, user.name).has(roleRestriction))
    throw invalid(`Role '${roleRestriction}' in ROLE_RESTRICTION is not granted to user '${user.name}'.`);
  const days = boundedInteger(properties.DAYS_TO_EXPIRY, 'DAYS_TO_EXPIRY', 1, MAX_DAYS_TO_EXPIRY) ?? DEFAULT_DAYS_TO_EXPIRY;
  const createdOn = now();
  return {
    name,
    ...(roleRestriction !== undefined ? { roleRestriction } : {}),
    expiresAt: new Date(Date.parse(createdOn) + days * DAY_MS).toISOString(),
    createdOn,
    createdBy: ex.session.user,
    ...(properties.COMMENT ? { comment: optionText(properties.COMMENT) } : {}),
    minsToBypassNetworkPolicy: boundedInteger(properties.MINS_TO_BYPASS_NETWORK_POLICY_REQUIREMENT, 'MINS_TO_BYPASS_NETWORK_POLICY_REQUIREMENT', 0, MAX_MINS_TO_BYPASS) ?? 0,
  };
}

/** A role named in a string follows identifier rules: "Quoted" exactly, otherwise upper case. */
function roleName(text: string | undefined): string | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const quoted = /^"(.*)"$/.exec(text.trim());
  return quoted ? quoted[1]!.replace(/""/g, '"') : text.trim().toUpperCase();
}

function boundedInteger(value: ast.PropertyValue | undefined, key: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = value.kind === 'number' ? value.value : NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw invalid(`invalid value '${optionText(value) ?? ''}' for property '${key}': expected an integer from ${min} to ${max}`);
  return n;
}


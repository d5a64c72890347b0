// Are hybrid tables and Snowpark Container Services there, and does the image registry take a
// login? Read-only: the region says which cloud; a SHOW that needs the feature says whether the
// account has it (an account without it refuses the statement); the registry login is the one
// `papi deploy` makes, with this session's token, and pushes nothing.
import type { PapiConfig } from '../config/types.js';
import type { Connection } from '../snowflake/driver.js';
import type { Platform } from '../snowflake/platform.js';
import { qualifiedName } from '../snowflake/identifiers.js';
import type { Check } from './types.js';

const HYBRID_DOCS = 'https://docs.snowflake.com/en/user-guide/tables-hybrid-limitations';
const SPCS_DOCS = 'https://docs.snowflake.com/en/developer-guide/snowpark-container-services/overview';
const REGISTRY_DOCS = 'https://docs.snowflake.com/en/developer-guide/snowpark-container-services/working-with-registry-repository';

/** The error an account gives for a feature it does not have (not a privilege or a typo). */
const UNAVAILABLE = /not (available|supported|enabled)|unsupported feature|trial/i;

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n').filter(Boolean).pop() ?? '';

export function regionCheck(platform: Platform): Check {
  const where = platform.papiLocal ? 'papi local' : platform.cloud ? `${platform.cloud}${platform.government ? ', SnowGov' : ''}` : 'cloud not recognised';
  return { id: 'region', title: 'Region and cloud', status: 'ok', detail: `${platform.region || 'unknown'} (${where})${platform.version ? `, Snowflake ${platform.version}` : ''}` };
}

export async function hybridTablesCheck(conn: Connection, config: PapiConfig, platform: Platform): Promise<Check> {
  const base = { id: 'hybrid-tables', title: 'Hybrid tables' };
  if (config.snowflake.api.tableType === 'standard') return { ...base, status: 'skip', detail: 'not needed: papi publishes a standard table (tableType standard)' };
  const fix = 'Publish an ordinary table instead: papi setup --table-type standard (or snowflake.api.tableType: standard in papi.yaml), or use an account in a commercial AWS or Azure region that is not a trial.';
  if (platform.government) return { ...base, status: 'fail', detail: `not available in SnowGov regions (${platform.region})`, fix, docs: HYBRID_DOCS };
  try {
    await conn.execute('SHOW HYBRID TABLES IN ACCOUNT');
  } catch (error) {
    if (UNAVAILABLE.test(messageOf(error))) return { ...base, status: 'fail', detail: `the account refuses them: ${messageOf(error)}`, fix, docs: HYBRID_DOCS };
    return { ...base, status: 'warn', detail: `could not be checked: ${messageOf(error)}`, fix: 'Run papi doctor with the role papi setup uses.', docs: HYBRID_DOCS };
  }
  if (platform.cloud === 'GCP') return { ...base, status: 'warn', detail: `Google Cloud (${platform.region}): hybrid tables are in preview there, or not offered`, fix, docs: HYBRID_DOCS };
  return { ...base, status: 'ok', detail: platform.papiLocal ? 'available (papi local)' : `available in ${platform.region}` };
}

export async function containerServicesCheck(conn: Connection): Promise<Check> {
  const base = { id: 'spcs', title: 'Snowpark Container Services' };
  try {
    await conn.execute('SHOW COMPUTE POOLS');
  } catch (error) {
    const fix = 'papi deploy needs SPCS: use an account where it is available (not a trial account; see the regions in the docs). papi setup --skip-data still creates the data objects.';
    if (UNAVAILABLE.test(messageOf(error))) return { ...base, status: 'fail', detail: `the account refuses them: ${messageOf(error)}`, fix, docs: SPCS_DOCS };
    return { ...base, status: 'warn', detail: `could not be checked: ${messageOf(error)}`, docs: SPCS_DOCS };
  }
  return { ...base, status: 'ok', detail: 'available (compute pools can be listed)' };
}

/** The registry of papi's image repository, once setup created it: the same session-token login deploy makes. */
export async function registryCheck(conn: Connection, config: PapiConfig, accountUrl: string, spcs: Check): Promise<Check> {
  const base = { id: 'registry', title: 'Image registry login' };
  if (spcs.status === 'fail') return { ...base, status: 'skip', detail: 'no Snowpark Container Services, so no registry' };
  const api = config.snowflake.api;
  let url: string | undefined;
  try {
    const rows = await conn.execute<Record<string, unknown>>(`SHOW IMAGE REPOSITORIES IN SCHEMA ${qualifiedName(api.database, api.schema)}`);
    url = rows.find((r) => String(r.name).toUpperCase() === config.snowflake.imageRepository.toUpperCase())?.repository_url as string | undefined;
  } catch {
    url = undefined;
  }
  if (!url) return { ...base, status: 'skip', detail: `no image repository ${config.snowflake.imageRepository} yet (papi setup creates it); run papi doctor again after setup` };
  const registry = url.slice(0, url.indexOf('/'));
  const image = await import('../image/index.js');
  try {
    const session = image.sessionTokenFromConnection(conn);
    await image.snowflakeRegistryLogin(registry, session, { protocol: new URL(accountUrl).protocol === 'http:' ? 'http' : 'https' });
  } catch (error) {
    return { ...base, status: 'fail', detail: `${registry} refused the login: ${messageOf(error)}`, fix: 'Check that the connection role can read the image repository (GRANT READ, WRITE ON IMAGE REPOSITORY …) and that the network lets you reach the registry host.', docs: REGISTRY_DOCS };
  }
  return { ...base, status: 'ok', detail: `${registry} accepts this session` };
}

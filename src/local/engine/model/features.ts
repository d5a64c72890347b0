// Features an account may lack, played on request (`papi local start --no-hybrid-tables --no-spcs`)
// so papi's fallbacks and `papi doctor` can be tried against an account like a trial one: the
// statements that need the feature fail before they run, SHOW included, as on an account where the
// feature is not enabled.
import { hybridTablesUnavailable } from '../formats/messages.js';
import { SqlError } from '../../errors.js';
import type { Statement } from '../sql/ast.js';
import type { Core } from './core.js';

const SPCS_STATEMENTS = new Set(['createImageRepository', 'createComputePool', 'alterComputePool', 'createService', 'alterService']);
const SPCS_LISTS = new Set(['COMPUTE POOLS', 'IMAGE REPOSITORIES', 'SERVICES', 'SERVICE CONTAINERS', 'SERVICE INSTANCES', 'IMAGES', 'ENDPOINTS']);

/** Trial accounts have no Snowpark Container Services (the number is papi local's "unsupported feature"). */
export function containerServicesUnavailable(): SqlError {
  return new SqlError('002040', '0A000', 'SQL compilation error:\nSnowpark Container Services are not available for this account.');
}

export function refuseUnavailableFeature(core: Core, s: Statement): void {
  const listing = s.kind === 'show' ? s.what : undefined;
  if (core.refuseContainerServices && (SPCS_STATEMENTS.has(s.kind) || (listing && SPCS_LISTS.has(listing)))) throw containerServicesUnavailable();
  if (core.refuseHybridTables && listing === 'HYBRID TABLES') throw hybridTablesUnavailable();
}

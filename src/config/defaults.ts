// Defaults equal to the original tutorial's object names, so papi's objects match its SQL.
import type { ObjectNames } from './types.js';

export const DEFAULT_OBJECTS: ObjectNames = {
  adminRole: 'ML_MODEL_ROLE',
  apiRole: 'DATA_API_ROLE',
  warehouse: { name: 'DATA_API_WH', size: 'XSMALL' },
  recommender: { database: 'MOVIE_RECOMMENDER_DB', schema: 'MOVIE_RECOMMENDER_SCHEMA', stage: 'FILE_STAGE' },
  api: { database: 'API', schema: 'DATA', table: 'HYBRID_MOVIE_RECOMMENDATIONS', tableType: 'hybrid' },
  imageRepository: 'API',
  computePool: { name: 'API', instanceFamily: 'CPU_X64_XS', minNodes: 1, maxNodes: 5 },
  service: { name: 'API', user: 'SVC_DATA_API', minInstances: 1, maxInstances: 1 },
};

export const DEFAULTS = {
  data: { source: 'auto' },
  recommender: { neighbors: 10, topN: 10 },
  service: { port: 8001, maxIdsPerRequest: 100, idFormat: 'integer' as const, cache: { ttlSeconds: 180, maxEntries: 100_000, honorNoCache: false } },
  local: { dataDir: '.papi/local', port: 0 },
};

// Defaults equal to the original tutorial's object names, so papi's objects match its SQL.
import type { ObjectNames, RecommenderAlgorithm, SampleSize } from './types.js';

/** The generated sample's sizes (`--sample-size`), shaped like MovieLens 100K, 1M and 10M (src/data/sample.ts). */
export const SAMPLE_SIZES = ['100k', '1m', '10m'] as const;

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
  data: { source: 'auto', sampleSize: '100k' as SampleSize },
  // item-knn with a half-life of 3 ratings: the best of papi evaluate on MovieLens 100K (see README).
  recommender: { algorithm: 'item-knn' as RecommenderAlgorithm, neighbors: 10, halfLife: 3, factors: 20, iterations: 10, topN: 10 },
  service: { port: 8001, maxIdsPerRequest: 100, idFormat: 'integer' as const, cache: { ttlSeconds: 180, maxEntries: 100_000, honorNoCache: false } },
  local: { dataDir: '.papi/local', port: 0 },
};

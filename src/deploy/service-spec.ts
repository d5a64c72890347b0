// The SPCS service specification for the API: one container running the bundled service, one public
// HTTP endpoint, a readiness probe on the health route. Rendered as JSON (valid YAML), which is what
// goes between $$ … $$ in CREATE/ALTER SERVICE (see template.ts `dollarQuoted`).
import type { PapiConfig } from '../config/types.js';

export const CONTAINER_NAME = 'api';
export const ENDPOINT_NAME = 'api';
export const IMAGE_NAME = 'papi-service';

export interface ServiceSpec {
  spec: {
    containers: Array<{
      name: string;
      image: string;
      env: Record<string, string>;
      readinessProbe: { port: number; path: string };
      resources: { requests: { memory: string; cpu: number }; limits: { memory: string; cpu: number } };
    }>;
    endpoints: Array<{ name: string; port: number; public: boolean; protocol: 'HTTP' }>;
  };
}

/** `/<db>/<schema>/<repo>/<image>:<tag>`, lower case, as specs name images. */
export function imagePath(config: PapiConfig, tag: string): string {
  const o = config.snowflake;
  return `/${o.api.database}/${o.api.schema}/${o.imageRepository}/${IMAGE_NAME}:${tag}`.toLowerCase();
}

export function serviceSpec(config: PapiConfig, image: string): ServiceSpec {
  const o = config.snowflake;
  const s = config.service;
  return {
    spec: {
      containers: [
        {
          name: CONTAINER_NAME,
          image,
          env: {
            PORT: String(s.port),
            PAPI_TABLE: `${o.api.database}.${o.api.schema}.${o.api.table}`,
            PAPI_ID_FORMAT: s.idFormat === 'integer' ? 'numeric' : 'alphanumeric',
            PAPI_MAX_IDS: String(s.maxIdsPerRequest),
            PAPI_CACHE_TTL_SECONDS: String(s.cache.ttlSeconds),
            PAPI_CACHE_MAX_ENTRIES: String(s.cache.maxEntries),
            PAPI_CACHE_HONOR_NO_CACHE: String(s.cache.honorNoCache),
            // SPCS sessions have no default warehouse unless the service sets QUERY_WAREHOUSE; be explicit.
            SNOWFLAKE_WAREHOUSE: o.warehouse.name,
          },
          // /healthz reads the published table: a container is ready only when it can answer lookups.
          readinessProbe: { port: s.port, path: '/healthz' },
          resources: { requests: { memory: '512M', cpu: 0.5 }, limits: { memory: '1G', cpu: 1 } },
        },
      ],
      endpoints: [{ name: ENDPOINT_NAME, port: s.port, public: true, protocol: 'HTTP' }],
    },
  };
}

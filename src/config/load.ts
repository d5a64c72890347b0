// Placeholder loader: defaults only. Replaced by the full loader (papi.yaml, connections.toml, env, flags).
import { DEFAULT_OBJECTS, DEFAULTS } from './defaults.js';
import type { PapiConfig } from './types.js';

export interface LoadOptions {
  cwd: string;
  env: Record<string, string | undefined>;
  configPath?: string;
  connectionName?: string;
  warn(message: string): void;
  debug(message: string): void;
}

export async function loadConfig(options: LoadOptions): Promise<PapiConfig> {
  return {
    version: 1,
    target: 'local',
    connection: {},
    snowflake: structuredClone(DEFAULT_OBJECTS),
    data: { ...DEFAULTS.data },
    recommender: { ...DEFAULTS.recommender },
    service: structuredClone(DEFAULTS.service),
    local: { ...DEFAULTS.local },
    projectDir: options.cwd,
  };
}

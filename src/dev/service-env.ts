// The environment the service gets outside SPCS (papi dev, benchmarks, tests): the same PAPI_* settings
// as in the deployed spec, and a connection as the API role — least privilege, like in SPCS — from the
// target's credentials (papi local's admin password, or the configured key pair or password).
import type { PapiConfig } from '../config/types.js';
import type { Target } from '../snowflake/target.js';
import { serviceSpec } from '../deploy/service-spec.js';

export function serviceEnvironment(config: PapiConfig, target: Target, listen: { port: number; host: string }): Record<string, string> {
  const p = target.params;
  const env: Record<string, string> = {
    ...serviceSpec(config, 'unused').spec.containers[0]!.env,
    PORT: String(listen.port),
    PAPI_HOST: listen.host,
    SNOWFLAKE_ACCOUNT: target.account,
    SNOWFLAKE_ACCESS_URL: target.accountUrl,
    SNOWFLAKE_ROLE: config.snowflake.apiRole,
    SNOWFLAKE_DATABASE: config.snowflake.api.database,
    SNOWFLAKE_SCHEMA: config.snowflake.api.schema,
  };
  if (p.user) env.SNOWFLAKE_USER = p.user;
  if (p.privateKeyPath) env.SNOWFLAKE_PRIVATE_KEY_PATH = p.privateKeyPath;
  else if (p.password) env.SNOWFLAKE_PASSWORD = p.password;
  if (p.privateKeyPassphrase) env.PRIVATE_KEY_PASSPHRASE = p.privateKeyPassphrase;
  return env;
}

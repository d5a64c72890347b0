// Loading snowflake-sdk for the service: no cloud-platform probing (DNS and 169.254.169.254 lookups
// at connect), no telemetry of connection shapes, its logger at ERROR to stderr only — stdout
// carries the service's JSON log lines and nothing else.

import type * as Snowflake from 'snowflake-sdk';

export type SnowflakeSdk = typeof Snowflake;

let loading: Promise<SnowflakeSdk> | undefined;

export function loadSnowflakeSdk(): Promise<SnowflakeSdk> {
  loading ??= (async () => {
    // Read by the driver when it loads or connects: set them first, unless the operator chose.
    process.env.SNOWFLAKE_DISABLE_PLATFORM_DETECTION ??= 'true';
    process.env.SF_TELEMETRY_DISABLE_CONNECTION_SHAPE ??= '1';
    const module = (await import('snowflake-sdk')) as SnowflakeSdk & { default?: SnowflakeSdk };
    const sdk = module.default ?? module;
    const toStderr = (message: string): void => {
      // The driver masks secrets in what it logs; keep lines short and on one line anyway.
      process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'error', event: 'driver', message: String(message).replace(/\s+/g, ' ').slice(0, 300) })}\n`);
    };
    const ignore = (): void => undefined;
    sdk.configure({
      logLevel: 'ERROR',
      customLogger: { error: toStderr, warn: ignore, info: ignore, debug: ignore, trace: ignore },
    });
    return sdk;
  })();
  return loading;
}

// What the connected account is: its region (hence its cloud) and version, and whether it is papi
// local. papi local says so itself through CURRENT_REGION() (src/local/platform.ts LOCAL_REGION), so
// a connection that reaches it by URL (`-c` with host/port/protocol) is recognised without guessing
// from host names, and deploy and setup treat it as they treat the embedded papi local.
import { LOCAL_REGION } from '../local/index.js';
import type { Connection } from './driver.js';

export interface Platform {
  /** CURRENT_REGION(): AWS_US_WEST_2, AZURE_WESTEUROPE, GCP_US_CENTRAL1, or papi local's LOCAL. */
  region: string;
  /** AWS, AZURE or GCP from the region; undefined on papi local or a region papi cannot read. */
  cloud?: 'AWS' | 'AZURE' | 'GCP';
  /** A U.S. SnowGov region (no hybrid tables). */
  government: boolean;
  version: string;
  papiLocal: boolean;
}

const known = new WeakMap<Connection, Promise<Platform>>();

/** Asked once per connection (two context functions, no warehouse needed). */
export function platformOf(conn: Connection): Promise<Platform> {
  let platform = known.get(conn);
  if (!platform) {
    platform = conn.execute<{ REGION: string | null; VERSION: string | null }>('SELECT CURRENT_REGION() AS REGION, CURRENT_VERSION() AS VERSION').then(([row]) => describeRegion(String(row?.REGION ?? ''), String(row?.VERSION ?? '')));
    known.set(conn, platform);
  }
  return platform;
}

export function describeRegion(region: string, version = ''): Platform {
  // An organization-qualified region reads PUBLIC.AWS_US_WEST_2 (region groups).
  const bare = region.toUpperCase().split('.').pop() ?? '';
  const cloud = /^(AWS|AZURE|GCP)_/.exec(bare)?.[1] as Platform['cloud'];
  return { region, ...(cloud ? { cloud } : {}), government: /_GOV/.test(bare), version, papiLocal: bare === LOCAL_REGION };
}

// vitest globalSetup of the live tier: says loudly, before and after, when it does not run.
import { liveAccount, NOT_RUN_BANNER } from './credentials.js';

export default function setup(): () => void {
  const account = liveAccount(process.env);
  if (account) {
    process.stderr.write(`[live] against Snowflake ${account.description}: every object gets a unique prefix and is dropped at the end\n`);
    return () => undefined;
  }
  process.stderr.write(`${NOT_RUN_BANNER}\n`);
  return () => process.stderr.write(`${NOT_RUN_BANNER}\n`);
}

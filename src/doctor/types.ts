// What `papi doctor` reports: one check per line, each with what to do when it fails.

/** ok: fine · warn: works, with a caveat · fail: setup or deploy would fail · skip: could not be checked here. */
export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface Check {
  /** Stable, for scripts: `connection`, `privilege.create-compute-pool`, `spcs`, … */
  id: string;
  title: string;
  status: CheckStatus;
  /** What was found. */
  detail: string;
  /** What to do (fail and warn). */
  fix?: string;
  /** The Snowflake documentation page behind the check. */
  docs?: string;
}

export interface DoctorReport {
  /** Unknown when the configuration does not load. */
  target?: 'local' | 'snowflake';
  /** "papi local (http://…)" or "Snowflake account …". */
  description?: string;
  checks: Check[];
  /** No check failed. */
  ok: boolean;
}

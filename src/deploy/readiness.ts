// When a deploy is done, from what SHOW SERVICES and SHOW SERVICE CONTAINERS say. ALTER SERVICE …
// FROM SPECIFICATION is asynchronous (a rolling upgrade): right after it the old containers are still
// READY, so READY alone proves nothing. Done means: the service is not upgrading (is_upgrading), and
// every container is READY and runs the image this deploy pushed.
import type { Row } from '../snowflake/runner.js';

export interface RolloutState {
  done: boolean;
  /** A container that failed (status or instance_status FAILED). */
  failed?: Row;
  /** One line for the progress spinner. */
  progress: string;
}

/** `/db/schema/repo/image:tag`, with or without the registry host, compared without case; undefined: any image. */
export function sameImage(containerImage: unknown, specImage: string | undefined): boolean {
  if (specImage === undefined) return typeof containerImage === 'string' && containerImage !== '';
  const path = (text: string) => (text.startsWith('/') ? text : text.slice(text.indexOf('/'))).toLowerCase();
  return typeof containerImage === 'string' && containerImage !== '' && path(containerImage) === path(specImage);
}

/**
 * A container's state for people. While a service is PENDING (or SUSPENDED) Snowflake lists it with
 * NULL instance and container fields: that is the service's status, not "null".
 */
export function containerState(row: Row): string {
  const status = row.status ?? row.instance_status ?? row.service_status;
  return status === null || status === undefined || status === '' ? 'PENDING' : String(status);
}

const flag = (value: unknown): boolean => value === true || String(value).toLowerCase() === 'true';

export function assessRollout(service: Row | undefined, containers: Row[], specImage: string | undefined): RolloutState {
  const failed = containers.find((c) => String(c.status).toUpperCase() === 'FAILED' || String(c.instance_status).toUpperCase() === 'FAILED');
  // An old container failing during the upgrade is being replaced anyway: only the new version's count.
  if (failed && sameImage(failed.image_name, specImage)) return { done: false, failed, progress: 'FAILED' };
  const upgrading = flag(service?.is_upgrading);
  const current = containers.filter((c) => sameImage(c.image_name, specImage));
  // A row without an image is a PENDING service's NULL row, not an old container.
  const old = containers.filter((c) => c.image_name !== null && c.image_name !== undefined && c.image_name !== '' && !sameImage(c.image_name, specImage)).length;
  const ready = current.filter((c) => containerState(c) === 'READY').length;
  const done = !upgrading && current.length > 0 && current.length === containers.length && ready === current.length;
  const states = containers.map((c) => `${containerState(c)}${c.message ? ` (${String(c.message)})` : ''}`).join(', ') || 'PENDING';
  const progress = upgrading || old > 0 ? `upgrading: ${ready} of ${Math.max(current.length, 1)} new containers ready, ${old} old still running` : states;
  return { done, progress };
}

// When papi deploy may say the service is up: not while SHOW SERVICES says is_upgrading, not while an
// old container runs, and a PENDING service's NULL container fields read as PENDING, never "null".
import { describe, expect, it } from 'vitest';
import { assessRollout, containerState, sameImage } from './readiness.js';
import { formatStatus } from './service-status.js';

const NEW = '/api/data/images/papi-service:20260101-120000';
const OLD = '/api/data/images/papi-service:20251231-090000';
const row = (image: string | null, status: string | null, extra: Record<string, unknown> = {}) => ({ instance_id: image ? '0' : null, container_name: image ? 'api' : null, image_name: image, status, ...extra });

describe('rollout readiness', () => {
  it('compares image names with or without the registry host, without case', () => {
    expect(sameImage(`org-acct.registry.snowflakecomputing.com${NEW.toUpperCase()}`, NEW)).toBe(true);
    expect(sameImage(OLD, NEW)).toBe(false);
    expect(sameImage(null, NEW)).toBe(false);
  });

  it('is not done while the old containers are READY and the upgrade runs', () => {
    expect(assessRollout({ is_upgrading: 'true' }, [row(OLD, 'READY')], NEW).done).toBe(false);
    const mixed = assessRollout({ is_upgrading: 'true' }, [row(NEW, 'PENDING'), row(OLD, 'READY')], NEW);
    expect(mixed.done).toBe(false);
    expect(mixed.progress).toMatch(/0 of 1 new containers ready, 1 old still running/);
    // is_upgrading false but an old container still listed: not done either.
    expect(assessRollout({ is_upgrading: false }, [row(NEW, 'READY'), row(OLD, 'READY')], NEW).done).toBe(false);
  });

  it('is done when nothing upgrades and every container runs the new image, READY', () => {
    expect(assessRollout({ is_upgrading: 'false' }, [row(NEW, 'READY'), row(NEW, 'READY')], NEW).done).toBe(true);
    expect(assessRollout({ is_upgrading: false }, [row(NEW, 'READY')], NEW).done).toBe(true);
  });

  it("fails on the new version's FAILED container, not on an old one's", () => {
    expect(assessRollout({ is_upgrading: 'true' }, [row(NEW, 'FAILED', { message: 'boom' })], NEW).failed).toBeDefined();
    expect(assessRollout({ is_upgrading: 'true' }, [row(NEW, 'PENDING'), row(OLD, 'FAILED')], NEW).failed).toBeUndefined();
  });

  it('reads a PENDING service (NULL instance and container fields) as PENDING', () => {
    const pending = row(null, null, { instance_status: null, service_status: 'PENDING' });
    expect(containerState(pending)).toBe('PENDING');
    expect(containerState({ status: null })).toBe('PENDING');
    const state = assessRollout({ is_upgrading: 'false' }, [pending], NEW);
    expect(state).toMatchObject({ done: false, progress: 'PENDING' });
    expect(state.progress).not.toContain('null');
    const text = formatStatus({
      service: 'API.DATA.API',
      exists: true,
      status: 'PENDING',
      containers: [{ instanceId: '', container: '', status: 'PENDING', message: '', image: '', imageDigest: '', restarts: 0, lastExitCode: null }],
      endpoints: [],
    });
    expect(text).toContain('no instance running yet: PENDING');
    expect(text).not.toContain('null');
  });
});

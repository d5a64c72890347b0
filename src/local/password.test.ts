import { describe, expect, it } from 'vitest';
import { hashPassword, hashPasswordSync, verifyPassword } from './password.js';

describe('password hashing', () => {
  it('stores salt:hash in hex and verifies only the right password', async () => {
    const stored = await hashPassword('s3cret');
    expect(stored).toMatch(/^[0-9a-f]{32}:[0-9a-f]{64}$/);
    expect(stored).not.toContain('s3cret');
    expect(await verifyPassword('s3cret', stored)).toBe(true);
    expect(await verifyPassword('S3cret', stored)).toBe(false);
    expect(await verifyPassword('s3cret', hashPasswordSync('s3cret'))).toBe(true);
  });

  it('salts every hash and rejects malformed ones', async () => {
    expect(await hashPassword('x')).not.toBe(await hashPassword('x'));
    for (const bad of ['', 'nocolon', 'zz:zz', 'abcd:']) expect(await verifyPassword('x', bad)).toBe(false);
  });
});

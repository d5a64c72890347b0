import { describe, expect, it } from 'vitest';
import { hashPassword, hashPasswordSync, rememberingVerifier, verifyPassword } from './password.js';

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

  it('remembers a verified pair: concurrent and later checks of it hash once, other passwords and new hashes hash again', async () => {
    const stored = await hashPassword('s3cret');
    let hashed = 0;
    const verify = rememberingVerifier(async (password, hash) => {
      hashed++;
      return verifyPassword(password, hash);
    });
    expect(await Promise.all(Array.from({ length: 50 }, () => verify('s3cret', stored)))).toEqual(Array(50).fill(true));
    expect(hashed).toBe(1);
    expect(await verify('s3cret', stored)).toBe(true);
    expect(hashed).toBe(1);
    // A wrong password is hashed and refused, even right after the right one was remembered.
    expect(await verify('s3creT', stored)).toBe(false);
    expect(hashed).toBe(2);
    // A new stored hash (the password was changed) is never answered from memory.
    const changed = await hashPassword('other');
    expect(await verify('s3cret', changed)).toBe(false);
    expect(await verify('other', changed)).toBe(true);
    expect(hashed).toBe(4);
  });
});

import { describe, expect, it } from 'vitest';
import { rememberFirst } from './memo.js';

describe('rememberFirst', () => {
  it('computes each of the first keys once, and keys past the limit every time (memory stays bounded)', () => {
    const calls: string[] = [];
    const upper = rememberFirst((key) => (calls.push(key), key.toUpperCase()), 2);
    expect([upper('a'), upper('b'), upper('a'), upper('c'), upper('c'), upper('b')]).toEqual(['A', 'B', 'A', 'C', 'C', 'B']);
    expect(calls).toEqual(['a', 'b', 'c', 'c']);
  });

  it('remembers false answers too', () => {
    let calls = 0;
    const never = rememberFirst(() => (calls++, false), 4);
    never('x');
    never('x');
    expect(calls).toBe(1);
  });
});

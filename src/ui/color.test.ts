import { describe, expect, it } from 'vitest';
import { colorLevel } from './color.js';

describe('colorLevel', () => {
  const tty = { flag: true, env: {}, isTTY: true };

  it('colours an interactive terminal', () => {
    expect(colorLevel(tty)).toBe(1);
  });

  it('does not colour a pipe', () => {
    expect(colorLevel({ ...tty, isTTY: false })).toBe(0);
  });

  it('honours --no-color over everything', () => {
    expect(colorLevel({ ...tty, flag: false, env: { FORCE_COLOR: '1' } })).toBe(0);
  });

  it('honours NO_COLOR, but not an empty one', () => {
    expect(colorLevel({ ...tty, env: { NO_COLOR: '1' } })).toBe(0);
    expect(colorLevel({ ...tty, env: { NO_COLOR: '' } })).toBe(1);
  });

  it('FORCE_COLOR colours a pipe, FORCE_COLOR=0 turns colour off', () => {
    expect(colorLevel({ ...tty, isTTY: false, env: { FORCE_COLOR: '1' } })).toBe(1);
    expect(colorLevel({ ...tty, env: { FORCE_COLOR: '0' } })).toBe(0);
  });

  it('TERM=dumb means no colour', () => {
    expect(colorLevel({ ...tty, env: { TERM: 'dumb' } })).toBe(0);
  });
});

// Colour is decided once, here: chalk alone ignores NO_COLOR, so papi sets the level itself.
import { Chalk, type ChalkInstance } from 'chalk';

export interface ColorInputs {
  /** false when --no-color was given. */
  flag: boolean;
  env: Record<string, string | undefined>;
  isTTY: boolean;
}

/** 0 = no colour; 1 = basic 16 colours (enough for papi's output). */
export function colorLevel({ flag, env, isTTY }: ColorInputs): 0 | 1 {
  if (!flag) return 0;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR === '0' || env.FORCE_COLOR === 'false' ? 0 : 1;
  if (env.TERM === 'dumb') return 0;
  return isTTY ? 1 : 0;
}

export function makeChalk(level: 0 | 1): ChalkInstance {
  return new Chalk({ level });
}

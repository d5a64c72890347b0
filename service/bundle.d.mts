import type { Metafile } from 'esbuild';
export function bundleService(options?: { outfile?: string }): Promise<Metafile>;
/** The banner that gives an ESM bundle's CommonJS dependencies require, __filename and __dirname. */
export const cjsBanner: string;

import type { Metafile } from 'esbuild';
export function bundleService(options?: { outfile?: string }): Promise<Metafile>;

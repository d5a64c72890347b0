// Figures for the data sources (run: npx vitest bench --run src/data/data.bench.ts). The sample must
// stay well under a second; a directory is read as a stream at a steady rate, whatever its size.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, bench, describe } from 'vitest';
import { tempDir } from './__tests__/support.js';
import { prepareData } from './index.js';
import { generateSample } from './sample.js';

const ROWS = 500_000;
let tmp: Awaited<ReturnType<typeof tempDir>>;

beforeAll(async () => {
  tmp = await tempDir();
  const lines = ['USER_ID,ITEM_ID,RATING,TIMESTAMP'];
  for (let i = 0; i < ROWS; i++) lines.push(`${1 + (i % 5000)},${1 + ((i * 7919) % 20000)},${1 + (i % 5)},2024-12-04T15:55:49.000`);
  await writeFile(join(tmp.path, 'ma301_user_ratings.csv'), `${lines.join('\r\n')}\r\n`);
  await writeFile(join(tmp.path, 'ma301_titles.csv'), `ITEM_ID,TITLE\n${Array.from({ length: 20000 }, (_, i) => `${i + 1},"Movie, ${i + 1} (1995)"`).join('\n')}\n`);
});
afterAll(async () => {
  await tmp.remove();
});

describe('data sources', () => {
  bench('generateSample (100,000 ratings)', () => {
    generateSample();
  });

  bench(
    `a tutorial-format directory (${ROWS.toLocaleString('en-US')} ratings, ~18 MB)`,
    async () => {
      const prepared = await prepareData(tmp.path, { cacheDir: join(tmp.path, 'cache'), tmpDir: tmp.path });
      await prepared.remove();
    },
    { iterations: 3 },
  );
});

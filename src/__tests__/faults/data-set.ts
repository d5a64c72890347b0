// A small data set in the tutorial's file format (ratings, titles, users), so fault tests run setup in
// seconds: `users` users each rating about half of 40 items, scattered so that neighbours differ and
// every user gets recommendations.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ITEMS = 40;

/** What the published table holds after a setup with this data: one row per user. */
export interface PublishedState {
  users: number;
  /** Sum of the user ids: a mix of two tables with the same row count would change it. */
  idSum: number;
}

export function writeDataSet(dir: string, users: number): { dir: string; state: PublishedState } {
  mkdirSync(dir, { recursive: true });
  const ratings: string[] = [];
  for (let user = 1; user <= users; user++)
    for (let item = 1; item <= ITEMS; item++)
      if ((((user * 7919 + item * 104729) * 2654435761) % 2 ** 32) % 100 < 50) ratings.push(`${user},${item},${((user + item) % 5) + 1},2024-12-01T10:00:00.000`);
  writeFileSync(join(dir, 'ma301_user_ratings.csv'), `USER_ID,ITEM_ID,RATING,TIMESTAMP\n${ratings.join('\n')}\n`);
  writeFileSync(join(dir, 'ma301_user_id.csv'), `ID\n${Array.from({ length: users }, (_, i) => i + 1).join('\n')}\n`);
  writeFileSync(join(dir, 'ma301_titles.csv'), `ITEM_ID,TITLE\n${Array.from({ length: ITEMS }, (_, i) => `${i + 1},Film ${i + 1}`).join('\n')}\n`);
  return { dir, state: { users, idSum: (users * (users + 1)) / 2 } };
}

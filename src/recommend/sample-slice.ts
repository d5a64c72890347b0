// Small data for the recommenders' tests: the first users of the generated sample, with their times,
// and some titles left out (items rated but without a title).
import { generateSample } from '../data/sample.js';
import type { DatedRating } from './reference.js';

export interface SliceData {
  ratings: DatedRating[];
  titles: number[];
  users: number[];
}

let sampleRatings: string | undefined;

/** The sample's first `users` users' ratings; items whose id is a multiple of 7 have no title. */
export function sampleSlice(users: number): SliceData {
  sampleRatings ??= generateSample().ratings;
  const ratings = sampleRatings
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(','))
    .filter(([user]) => Number(user) <= users)
    .map(([user, item, rating, at]) => ({ user: Number(user), item: Number(item), rating: Number(rating), at: Date.parse(`${at!.replace(' ', 'T')}Z`) / 1000 }));
  const titles = [...new Set(ratings.map((r) => r.item))].filter((item) => item % 7 !== 0);
  return { ratings, titles, users: Array.from({ length: users }, (_, i) => i + 1) };
}

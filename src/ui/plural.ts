/** "1 user", "8 users", "10,000 ratings": a count for people, with its noun's plural where it needs one. */
export function plural(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}

// --json for the benchmark scripts: their figures as one JSON object on stdout, for `npm run bench`
// (all.ts) to collect. The human lines then go to stderr, so stdout holds the JSON alone; importing
// this module is enough to switch them, before any script prints.
export const jsonOutput = process.argv.includes('--json');
if (jsonOutput) console.log = console.error;

/** Prints the figures as one line of JSON when the script was run with --json. */
export function emitJson(figures: object): void {
  if (jsonOutput) process.stdout.write(`${JSON.stringify(figures)}\n`);
}

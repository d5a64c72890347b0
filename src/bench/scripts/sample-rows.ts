// Rows like the published table's (a user id and ~10 recommended titles, ~300 bytes of JSON), the
// same for the bare server and the service so both answer the same bytes.
export const SAMPLE_USERS = 10_000;

export function sampleTitles(id: number): Array<{ title: string }> {
  return Array.from({ length: 10 }, (_, i) => ({ title: `Movie ${(id * 7 + i * 13) % 1682}` }));
}

export function sampleRowJson(id: number): string {
  return JSON.stringify({ USER_ID: id, RECOMMENDATIONS: sampleTitles(id) });
}

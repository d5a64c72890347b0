// For benchmarks only: the driver's floor. A bare node:http server that answers snowflake-sdk's login
// and point lookups with canned JSON — the answers papi local gave once, recorded at start, with the
// rows of the ids asked for taken from a Map of pre-serialized rows — so a lookup through the driver
// against it costs the driver, HTTP and JSON, and nothing of papi local's.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface StubSnowflake {
  accessUrl: string;
  close(): Promise<void>;
}

export interface StubAnswers {
  /** papi local's answer to a login, as text. */
  login: string;
  /** papi local's answer to a lookup of one id; its rowset is replaced by the rows asked for. */
  lookup: Record<string, unknown>;
  /** Each id's row as the rowset holds it, pre-serialized. */
  rows: Map<string, string>;
}

const ROWSET = '"__ROWSET__"';

async function body(request: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of request) parts.push(part as Buffer);
  const bytes = Buffer.concat(parts);
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes;
}

export async function startStubSnowflake(answers: StubAnswers): Promise<StubSnowflake> {
  const data = answers.lookup.data as Record<string, unknown>;
  const [prefix, suffix] = JSON.stringify({ ...answers.lookup, data: { ...data, rowset: '__ROWSET__', total: 0, returned: 0 } }).split(ROWSET) as [string, string];
  const countsAt = (n: number) => suffix.replace('"total":0', `"total":${n}`).replace('"returned":0', `"returned":${n}`);
  const empty = JSON.stringify({ success: true, code: null, message: null, data: {} });
  const server: Server = createServer((request, response) => {
    void body(request).then((bytes) => {
      response.setHeader('content-type', 'application/json');
      if (request.url?.startsWith('/session/v1/login-request')) return response.end(answers.login);
      if (!request.url?.startsWith('/queries/v1/query-request')) return response.end(empty);
      const bindings = (JSON.parse(bytes.toString('utf8')) as { bindings?: Record<string, { value: string }> }).bindings ?? {};
      const ids = [...new Set(Object.values(bindings).map((b) => b.value))];
      const rows = ids.map((id) => answers.rows.get(id)).filter((row): row is string => row !== undefined);
      response.end(`${prefix}[${rows.join(',')}]${countsAt(rows.length)}`);
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    accessUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

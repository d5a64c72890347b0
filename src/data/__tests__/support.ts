// Test helpers for src/data: temporary folders, a real local HTTP server, a zip writer (so tests
// can build archives GroupLens-style without the network) and DuckDB's CSV reader, which reads
// files with the options COPY INTO uses.
import { DuckDBInstance } from '@duckdb/node-api';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';

export async function tempDir(): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'papi-data-test-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

export interface TestServer {
  url: string;
  requests: number;
  close(): Promise<void>;
}

export async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<TestServer> {
  const server = createServer((req, res) => {
    state.requests += 1;
    handler(req, res);
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  const state: TestServer = {
    url: `http://127.0.0.1:${port}`,
    requests: 0,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
  return state;
}

/** A minimal zip: local headers, data (deflated unless `store`), central directory, end record. */
export function zipOf(entries: Record<string, string | Buffer>, options: { store?: boolean } = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(entries)) {
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content, 'latin1');
    const packed = options.store ? data : deflateRawSync(data);
    const method = options.store ? 0 : 8;
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = crc32(data) >>> 0;

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    locals.push(local, nameBytes, packed);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/**
 * Reads a CSV file as COPY INTO … FILE_FORMAT = (TYPE = CSV PARSE_HEADER = TRUE
 * FIELD_OPTIONALLY_ENCLOSED_BY = '"') does: header, comma, optional double quotes doubled inside,
 * typed columns, strict (a malformed line is an error, not a guess).
 */
export async function readCsvWithDuckDB(path: string, columns: Record<string, string>): Promise<Array<Record<string, unknown>>> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;
    const types = Object.entries(columns)
      .map(([name, type]) => `${literal(name)}: ${literal(type)}`)
      .join(', ');
    const result = await connection.runAndReadAll(
      `SELECT * FROM read_csv(${literal(path)}, header = true, delim = ',', quote = '"', escape = '"', auto_detect = false, strict_mode = true, columns = {${types}})`,
    );
    return result.getRowObjectsJS() as Array<Record<string, unknown>>;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

// A real CNCF distribution registry (Debian's `docker-registry`, 2.8) with token auth over plain HTTP
// on 127.0.0.1, and the token service it trusts: a small HTTP server that checks Basic credentials
// and signs RS256 JWTs granting the requested scope (only `pull` to the read-only user). The
// registry finds the signing key by `kid`, libtrust's fingerprint of the public key in the
// certificate bundle it is given.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash, createPrivateKey, createPublicKey, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { SignJWT } from 'jose';

export const PUSHER = { username: 'pusher', password: 'push-secret' };
export const READER = { username: 'reader', password: 'read-secret' };
const SERVICE = 'papi-interop-registry';
const ISSUER = 'papi-interop-token-service';

export interface TokenRegistry {
  /** `127.0.0.1:<port>`, as in an image reference. */
  host: string;
  dir: string;
  /** Every scope the token service was asked for, in order (to see what clients asked). */
  scopesAsked: string[];
  stop(): Promise<void>;
}

/** libtrust's key id: base32 of the first 240 bits of SHA-256(SPKI DER), in groups of four. */
export function libtrustKeyId(spkiDer: Buffer): string {
  const bits = createHash('sha256').update(spkiDer).digest().subarray(0, 30);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let out = '';
  let buffer = 0;
  let count = 0;
  for (const byte of bits) {
    buffer = (buffer << 8) | byte;
    count += 8;
    while (count >= 5) {
      out += alphabet[(buffer >> (count - 5)) & 31];
      count -= 5;
    }
    buffer &= (1 << count) - 1;
  }
  return out.match(/.{4}/g)!.join(':');
}

export async function startTokenRegistry(): Promise<TokenRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'papi-distribution-'));
  const keyFile = join(dir, 'token.key');
  const certFile = join(dir, 'token.crt');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=papi-interop-token'], { stdio: 'ignore' });
  const privateKey = createPrivateKey(await readFile(keyFile));
  const kid = libtrustKeyId(createPublicKey(await readFile(certFile)).export({ type: 'spki', format: 'der' }));

  const scopesAsked: string[] = [];
  const tokens: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const user = basicUser(req.headers.authorization);
      if (url.pathname !== '/token' || !user) {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"errors":[{"code":"UNAUTHORIZED"}]}');
        return;
      }
      const scopes = url.searchParams.getAll('scope').flatMap((s) => s.split(' ')).filter(Boolean);
      scopesAsked.push(...scopes);
      const access = scopes.flatMap((scope) => {
        const match = /^repository:([^:]+):(.+)$/.exec(scope);
        if (!match) return [];
        const actions = match[2]!.split(',').filter((a) => a === 'pull' || (a === 'push' && user === PUSHER.username));
        return [{ type: 'repository', name: match[1]!, actions }];
      });
      const now = Math.floor(Date.now() / 1000);
      const token = await new SignJWT({ access })
        .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
        .setIssuer(ISSUER)
        .setSubject(user)
        .setAudience(url.searchParams.get('service') ?? SERVICE)
        .setIssuedAt(now)
        .setNotBefore(now - 10)
        .setExpirationTime(now + 300)
        .setJti(randomUUID())
        .sign(privateKey);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() }));
    })().catch((error: unknown) => res.writeHead(500).end(String(error)));
  });
  tokens.listen(0, '127.0.0.1');
  await once(tokens, 'listening');
  const tokenPort = (tokens.address() as AddressInfo).port;

  const configFile = join(dir, 'config.yml');
  await writeFile(
    configFile,
    [
      'version: 0.1',
      'log:',
      '  level: info',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${JSON.stringify(join(dir, 'storage'))}`,
      'http:',
      '  addr: 127.0.0.1:0',
      `  secret: ${randomUUID()}`,
      'auth:',
      '  token:',
      `    realm: http://127.0.0.1:${tokenPort}/token`,
      `    service: ${SERVICE}`,
      `    issuer: ${ISSUER}`,
      `    rootcertbundle: ${JSON.stringify(certFile)}`,
      '',
    ].join('\n'),
  );
  const registry: ChildProcess = spawn('docker-registry', ['serve', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  const log: string[] = [];
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`docker-registry did not start:\n${log.join('\n')}`)), 20_000);
    const onLine = (line: string): void => {
      log.push(line);
      const match = /listening on 127\.0\.0\.1:(\d+)/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    createInterface({ input: registry.stderr! }).on('line', onLine);
    createInterface({ input: registry.stdout! }).on('line', onLine);
    registry.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`docker-registry exited ${code}:\n${log.join('\n')}`));
    });
  });

  return {
    host: `127.0.0.1:${port}`,
    dir,
    scopesAsked,
    async stop() {
      if (registry.exitCode === null && registry.signalCode === null) {
        registry.kill('SIGTERM');
        await once(registry, 'exit');
      }
      tokens.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function basicUser(header: string | undefined): string | undefined {
  const match = /^Basic\s+(.+)$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const [user, password] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
  const known = [PUSHER, READER].find((u) => u.username === user);
  return known && known.password === password ? user : undefined;
}

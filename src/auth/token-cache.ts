// Ingress tokens cached on disk, one per (account, user, role, endpoint host), so `papi token` and
// `papi get` do not exchange a JWT on every call. One JSON file, mode 0600, replaced atomically
// (temp file + rename). A damaged file is only a cache miss: it is reported at debug level and replaced.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { silentLog, type AuthLog } from './log.js';
import { normalizeEndpointHost } from './oauth.js';

export const TOKEN_CACHE_FILE = 'tokens.json';
/** A cached token is used only while it stays valid at least this long. */
export const MIN_REMAINING_VALIDITY_SECONDS = 60;

export interface TokenCacheKey {
  account: string;
  user: string;
  role?: string;
  endpointHost: string;
}

export interface CachedToken {
  token: string;
  expiresAt: Date;
}

export interface TokenCacheOptions {
  /** Directory of the cache file (created 0700 if missing), e.g. .papi/ */
  dir: string;
  fileName?: string;
  now?: () => Date;
  minRemainingSeconds?: number;
  log?: AuthLog;
}

const entrySchema = z.object({
  token: z.string().min(1),
  expiresAt: z.iso.datetime({ offset: true }),
  account: z.string(),
  user: z.string(),
  role: z.string().optional(),
  endpointHost: z.string(),
});
const fileSchema = z.object({ version: z.literal(1), tokens: z.record(z.string(), entrySchema) });
type CacheFile = z.infer<typeof fileSchema>;

export class TokenCache {
  readonly file: string;
  private readonly now: () => Date;
  private readonly minRemainingMs: number;
  private readonly log: AuthLog;

  constructor(private readonly options: TokenCacheOptions) {
    this.file = path.join(options.dir, options.fileName ?? TOKEN_CACHE_FILE);
    this.now = options.now ?? (() => new Date());
    this.minRemainingMs = (options.minRemainingSeconds ?? MIN_REMAINING_VALIDITY_SECONDS) * 1000;
    this.log = options.log ?? silentLog;
  }

  /** The cached token for `key` if it stays valid for the minimum remaining time. */
  async get(key: TokenCacheKey): Promise<CachedToken | undefined> {
    const entry = (await this.read()).tokens[cacheKeyString(key)];
    if (!entry) return undefined;
    const expiresAt = new Date(entry.expiresAt);
    if (!this.isFresh(expiresAt)) return undefined;
    return { token: entry.token, expiresAt };
  }

  /** Stores `token` for `key`; entries that are no longer usable are dropped on the way. */
  async set(key: TokenCacheKey, token: CachedToken): Promise<void> {
    const cache = await this.read();
    const normalized = normalizeKey(key);
    cache.tokens = this.withoutStale(cache.tokens);
    cache.tokens[cacheKeyString(key)] = { ...normalized, token: token.token, expiresAt: token.expiresAt.toISOString() };
    await this.write(cache);
  }

  async delete(key: TokenCacheKey): Promise<void> {
    const cache = await this.read();
    const id = cacheKeyString(key);
    if (!(id in cache.tokens)) return;
    delete cache.tokens[id];
    await this.write(cache);
  }

  /**
   * The cached token, or a new one from `obtain` (then cached). `refresh` skips the cache (--refresh).
   * `fromCache` tells the caller which happened.
   */
  async getOrObtain(
    key: TokenCacheKey,
    obtain: () => Promise<CachedToken>,
    options: { refresh?: boolean } = {},
  ): Promise<CachedToken & { fromCache: boolean }> {
    if (!options.refresh) {
      const cached = await this.get(key);
      if (cached) {
        this.log.debug(`using the cached token for ${describeKey(key)} (expires ${cached.expiresAt.toISOString()})`);
        return { ...cached, fromCache: true };
      }
    }
    const fresh = await obtain();
    if (this.isFresh(fresh.expiresAt)) await this.set(key, fresh);
    else this.log.debug(`not caching the token for ${describeKey(key)}: it expires too soon`);
    return { token: fresh.token, expiresAt: fresh.expiresAt, fromCache: false };
  }

  private isFresh(expiresAt: Date): boolean {
    return Number.isFinite(expiresAt.getTime()) && expiresAt.getTime() - this.now().getTime() >= this.minRemainingMs;
  }

  private withoutStale(tokens: CacheFile['tokens']): CacheFile['tokens'] {
    return Object.fromEntries(Object.entries(tokens).filter(([, entry]) => this.isFresh(new Date(entry.expiresAt))));
  }

  private async read(): Promise<CacheFile> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') this.log.debug(`token cache ${this.file} unreadable (${code ?? 'error'}); ignoring it`);
      return emptyCache();
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      this.log.debug(`token cache ${this.file} is not valid JSON; ignoring it, it will be replaced`);
      return emptyCache();
    }
    const parsed = fileSchema.safeParse(json);
    if (!parsed.success) {
      this.log.debug(`token cache ${this.file} has an unexpected shape; ignoring it, it will be replaced`);
      return emptyCache();
    }
    return parsed.data;
  }

  private async write(cache: CacheFile): Promise<void> {
    await mkdir(this.options.dir, { recursive: true, mode: 0o700 });
    const temp = `${this.file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(temp, `${JSON.stringify(cache, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
      // The mode given to writeFile is filtered by the umask, which can only remove bits; chmod makes
      // sure of 0600 on file systems that ignore the creation mode.
      if (process.platform !== 'win32') await chmod(temp, 0o600);
      await rename(temp, this.file);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }
}

function emptyCache(): CacheFile {
  return { version: 1, tokens: {} };
}

function normalizeKey(key: TokenCacheKey): Omit<z.infer<typeof entrySchema>, 'token' | 'expiresAt'> {
  const role = key.role?.trim();
  return {
    account: key.account.trim().toUpperCase(),
    user: key.user.trim().toUpperCase(),
    ...(role ? { role } : {}),
    endpointHost: normalizeEndpointHost(key.endpointHost),
  };
}

/** Stable, unambiguous id of a key (a JSON array, so no separator can collide). */
function cacheKeyString(key: TokenCacheKey): string {
  const k = normalizeKey(key);
  return JSON.stringify([k.account, k.user, k.role ?? '', k.endpointHost]);
}

function describeKey(key: TokenCacheKey): string {
  const k = normalizeKey(key);
  return `${k.user}@${k.account}${k.role ? ` (role ${k.role})` : ''} → ${k.endpointHost}`;
}

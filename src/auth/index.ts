// The auth library's public surface: key pairs, key-pair JWTs, the OAuth exchange for ingress tokens,
// the token cache and PATs from the environment.
export { jwtAccountFromAccount, jwtAccountFromHost, jwtAccountIdentifier, bareHost } from './jwt-account.js';
export {
  ensureKeyPair,
  keyPairPaths,
  loadPrivateKey,
  parsePrivateKey,
  publicKeyBody,
  publicKeyFingerprint,
  publicKeyPem,
  slotForGeneration,
  type EnsureKeyPairOptions,
  type EnsureKeyPairResult,
  type KeyPairFiles,
  type PublicKeySlot,
} from './keypair.js';
export { decodeJwtExpiry, MAX_JWT_LIFETIME_SECONDS, signKeyPairJwt, tryDecodeJwtExpiry, type KeyPairJwtOptions } from './jwt.js';
export {
  DEFAULT_OPAQUE_TOKEN_LIFETIME_SECONDS,
  exchangeForIngressToken,
  JWT_BEARER_GRANT_TYPE,
  normalizeEndpointHost,
  oauthScope,
  TokenExchangeError,
  type IngressToken,
  type IngressTokenRequest,
} from './oauth.js';
export { MIN_REMAINING_VALIDITY_SECONDS, TOKEN_CACHE_FILE, TokenCache, type CachedToken, type TokenCacheKey, type TokenCacheOptions } from './token-cache.js';
export { PAT_ENV_VARS, tokenFromEnvironment, type EnvironmentToken } from './pat.js';
export { silentLog, type AuthLog } from './log.js';
export { getIngressToken, type IngressTokenOptions, type ResolvedIngressToken } from './ingress-token.js';

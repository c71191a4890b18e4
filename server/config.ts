import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

/** The only reader of process.env. Parsed once at start; a bad value stops the process with a readable list. */
const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  PUBLIC_URL: z.url().optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(50).default(10),
  DATABASE_READ_URLS: z
    .string()
    .default('')
    .refine(
      (v) =>
        v
          .split(/[ ,]+/)
          .filter(Boolean)
          .every((u) => /^postgres(ql)?:\/\//.test(u)),
      'must be a comma-separated list of postgres:// URLs (streaming replicas)',
    ),
  REPLICA_MAX_LAG_MS: z.coerce.number().int().min(0).max(3_600_000).default(5000),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  WORKERS: z.coerce.number().int().min(1).max(64).default(1),
  DATA_DIR: z.string().default('./data'),
  CLIENT_DIR: z.string().default('./client/dist'),
  SEED_SCALE: z.enum(['demo', 'full', 'reference']).default('demo'),
  AUTO_SEED: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  FEATURES_MAX_LIMIT: z.coerce.number().int().min(1).max(100_000).default(10_000),
  FEATURES_DEFAULT_LIMIT: z.coerce.number().int().min(1).default(100),
  OGC_DEFAULT_LIMIT: z.coerce.number().int().min(1).default(10),
  CATALOG_MAX_LIMIT: z.coerce.number().int().min(1).max(5_000).default(500),
  TILE_CACHE_MB: z.coerce.number().int().min(0).max(16_384).default(64),
  TILES_MAX_LAYERS: z.coerce.number().int().min(1).max(100).default(20),
  TILES_MAX_FEATURES: z.coerce.number().int().min(100).max(1_000_000).default(10_000),
  TILES_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(0)
    .max(64 * 1024 * 1024)
    .default(512_000),
  TILES_REGISTRY_TTL_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  RENDER_MAX_SIZE: z.coerce.number().int().min(256).max(16_384).default(4096),
  RENDER_MAX_FEATURES: z.coerce.number().int().min(100).max(10_000_000).default(200_000),
  PRINT_MAX_PIXELS: z.coerce.number().int().min(1_000_000).max(200_000_000).default(60_000_000),
  PRINT_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(2),
  BASEMAP_STYLE_URL: z.url().optional(),
  WRITE_RATE_LIMIT: z.coerce.number().int().min(1).max(100_000).default(120),
  REVIEW_REQUIRED: z.enum(['on', 'off']).default('on'),
  REVIEW_TRUSTED_AGENCIES: z
    .string()
    .regex(/^[a-z0-9, -]*$/, 'must be agency codes separated by commas')
    .default(''),
  REVIEW_MIN_COMPLETENESS: z.coerce.number().int().min(0).max(100).default(50),
  VERSIONS_KEEP: z.coerce.number().int().min(1).max(10_000).default(10),
  VERSIONS_KEEP_DAYS: z.coerce.number().int().min(0).max(36_500).default(365),
  DRAFTS_MAX_AGE_DAYS: z.coerce.number().int().min(0).max(36_500).default(90),
  RETENTION_JOB: z.enum(['on', 'off']).default('on'),
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(30_000),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  AUTH_FAILURE_LIMIT: z.coerce.number().int().min(1).max(100_000).default(20),
  EMBED_FRAME_ANCESTORS: z
    .string()
    .default('*')
    .refine(
      (v) =>
        v
          .split(/[ ,]+/)
          .filter(Boolean)
          .every((o) => o === '*' || /^https?:\/\/[^\s/]+$/.test(o)),
      'must be * or a list of origins like https://tangerangkota.go.id',
    ),
  CSP_CONNECT_SRC: z
    .string()
    .default('')
    .refine(
      (v) =>
        v
          .split(/[ ,]+/)
          .filter(Boolean)
          .every((o) => /^https?:\/\/[^\s/]+$/.test(o)),
      'must be a list of origins like https://tiles.example.id',
    ),
  UPLOAD_MAX_MB: z.coerce.number().int().min(1).max(100_000).default(512),
  UPLOAD_MAX_FEATURES: z.coerce.number().int().min(1).max(100_000_000).default(2_000_000),
  UPLOAD_MAX_PROPERTIES: z.coerce.number().int().min(1).max(10_000).default(200),
  UPLOAD_MAX_VALUE_CHARS: z.coerce.number().int().min(1).max(10_000_000).default(10_000),
  VALUES_MAX_ROWS: z.coerce.number().int().min(1).max(100_000_000).default(2_000_000),
  UPLOAD_DIR: z.string().optional(),
  DOWNLOAD_CACHE_DIR: z.string().optional(),
  DOWNLOAD_CACHE_MB: z.coerce.number().int().min(10).max(1_000_000).default(2048),
  TRUST_PROXY: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface Config {
  port: number;
  host: string;
  /** Absolute base URL used in links; derived from the request when unset. */
  publicUrl: string | undefined;
  databaseUrl: string | undefined;
  databasePoolMax: number;
  /** Streaming replicas that anonymous reads may use (PostgreSQL only). */
  databaseReadUrls: string[];
  /** A replica further behind the primary than this is not read from. */
  replicaMaxLagMs: number;
  /** How long SIGTERM waits for open requests before the process exits anyway. */
  shutdownTimeoutMs: number;
  /** Server processes sharing the port (node:cluster); more than 1 needs PostgreSQL. */
  workers: number;
  dataDir: string;
  /** The built viewer (vite build output). */
  clientDir: string;
  seedScale: 'demo' | 'full' | 'reference';
  autoSeed: boolean;
  featuresMaxLimit: number;
  featuresDefaultLimit: number;
  /** OGC API items page size without a limit (larger limits are clamped to featuresMaxLimit). */
  ogcDefaultLimit: number;
  catalogMaxLimit: number;
  /** Byte budget of the in-process tile cache. */
  tileCacheBytes: number;
  /** Most layers one composite tile may ask for. */
  tilesMaxLayers: number;
  /** Most features per layer per tile (see server/tiles/tile-sql.ts for the rule). */
  tilesMaxFeatures: number;
  /** Most bytes of one composite tile before the smallest features are dropped (0: no budget). */
  tilesMaxBytes: number;
  /** How long unversioned tile requests may reuse a registry lookup while change notices are not received. */
  tilesRegistryTtlMs: number;
  /** Largest WIDTH/HEIGHT of a rendered map (WMS GetMap, static maps). */
  renderMaxSize: number;
  /** Most features drawn per layer in one rendered map. */
  renderMaxFeatures: number;
  /** Largest map image of a printed sheet, in pixels (A1 landscape at 300 dpi is about 49 million). */
  printMaxPixels: number;
  /** Printed sheets drawn at once per process; more wait their turn. */
  printConcurrency: number;
  /** A MapLibre style drawn beneath our layers in the viewer; none by default (offline basemap). */
  basemapStyleUrl: string | undefined;
  /** Writes (POST/PATCH/DELETE) per token per minute. */
  writeRateLimit: number;
  /**
   * Walidata review: whether a produsen's (editor's) upload waits as a draft for approval, the
   * agencies trusted to publish without it, and the metadata completeness (0–100) approval needs.
   */
  review: { required: boolean; trustedAgencies: string[]; minCompleteness: number };
  /** Version retention: newest versions always kept, days a published one is kept, days before a stale draft goes. */
  retention: { keep: number; keepDays: number; draftDays: number; job: boolean };
  /** Review notifications: attempts per delivery, the first retry's wait (doubling after), one POST's time limit. */
  webhooks: { maxAttempts: number; retryBaseMs: number; timeoutMs: number };
  /** Requests with a wrong token per client address per 15 minutes before 429. */
  authFailureLimit: number;
  /** Origins allowed to frame /embed (['*'] = any). */
  embedFrameAncestors: string[];
  /** Origins the viewer may fetch from besides this server (BASEMAP_STYLE_URL's origin is added). */
  cspConnectSources: string[];
  /** Limits of one upload (413 / 422 past them). */
  upload: {
    maxBytes: number;
    maxFeatures: number;
    maxProperties: number;
    maxValueChars: number;
    /** Most rows in one data-element values upload. */
    maxValueRows: number;
    tempDir: string;
  };
  /** Built downloads (GeoPackage) kept per data version, and the folder's size bound. */
  downloadCache: { dir: string; maxBytes: number };
  /** Honour X-Forwarded-* (behind a reverse proxy) when building absolute links. */
  trustProxy: boolean;
  logLevel: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  if (e.FEATURES_DEFAULT_LIMIT > e.FEATURES_MAX_LIMIT) {
    throw new ConfigError(['FEATURES_DEFAULT_LIMIT: must not exceed FEATURES_MAX_LIMIT']);
  }
  if (e.DATABASE_READ_URLS.trim() !== '' && !e.DATABASE_URL) {
    throw new ConfigError([
      'DATABASE_READ_URLS: replicas need DATABASE_URL (the primary); the embedded database has none',
    ]);
  }
  if (e.WORKERS > 1 && !e.DATABASE_URL) {
    throw new ConfigError([
      'WORKERS: more than one process needs DATABASE_URL; the embedded database is one process by design',
    ]);
  }
  if (e.OGC_DEFAULT_LIMIT > e.FEATURES_MAX_LIMIT) {
    throw new ConfigError(['OGC_DEFAULT_LIMIT: must not exceed FEATURES_MAX_LIMIT']);
  }
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.PUBLIC_URL?.replace(/\/$/, ''),
    databaseUrl: e.DATABASE_URL,
    databasePoolMax: e.DATABASE_POOL_MAX,
    databaseReadUrls: e.DATABASE_READ_URLS.split(/[ ,]+/).filter(Boolean),
    replicaMaxLagMs: e.REPLICA_MAX_LAG_MS,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    workers: e.WORKERS,
    dataDir: path.resolve(e.DATA_DIR),
    clientDir: path.resolve(e.CLIENT_DIR),
    seedScale: e.SEED_SCALE,
    autoSeed: e.AUTO_SEED,
    featuresMaxLimit: e.FEATURES_MAX_LIMIT,
    featuresDefaultLimit: e.FEATURES_DEFAULT_LIMIT,
    ogcDefaultLimit: e.OGC_DEFAULT_LIMIT,
    catalogMaxLimit: e.CATALOG_MAX_LIMIT,
    tileCacheBytes: e.TILE_CACHE_MB * 1024 * 1024,
    tilesMaxLayers: e.TILES_MAX_LAYERS,
    tilesMaxFeatures: e.TILES_MAX_FEATURES,
    tilesMaxBytes: e.TILES_MAX_BYTES,
    tilesRegistryTtlMs: e.TILES_REGISTRY_TTL_MS,
    renderMaxSize: e.RENDER_MAX_SIZE,
    renderMaxFeatures: e.RENDER_MAX_FEATURES,
    printMaxPixels: e.PRINT_MAX_PIXELS,
    printConcurrency: e.PRINT_CONCURRENCY,
    basemapStyleUrl: e.BASEMAP_STYLE_URL,
    writeRateLimit: e.WRITE_RATE_LIMIT,
    review: {
      required: e.REVIEW_REQUIRED === 'on',
      trustedAgencies: e.REVIEW_TRUSTED_AGENCIES.split(/[ ,]+/).filter(Boolean),
      minCompleteness: e.REVIEW_MIN_COMPLETENESS,
    },
    retention: {
      keep: e.VERSIONS_KEEP,
      keepDays: e.VERSIONS_KEEP_DAYS,
      draftDays: e.DRAFTS_MAX_AGE_DAYS,
      job: e.RETENTION_JOB === 'on',
    },
    webhooks: {
      maxAttempts: e.WEBHOOK_MAX_ATTEMPTS,
      retryBaseMs: e.WEBHOOK_RETRY_BASE_MS,
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
    },
    authFailureLimit: e.AUTH_FAILURE_LIMIT,
    embedFrameAncestors: e.EMBED_FRAME_ANCESTORS.split(/[ ,]+/).filter(Boolean),
    cspConnectSources: [
      ...new Set([
        ...e.CSP_CONNECT_SRC.split(/[ ,]+/).filter(Boolean),
        ...(e.BASEMAP_STYLE_URL ? [new URL(e.BASEMAP_STYLE_URL).origin] : []),
      ]),
    ],
    upload: {
      maxBytes: e.UPLOAD_MAX_MB * 1024 * 1024,
      maxFeatures: e.UPLOAD_MAX_FEATURES,
      maxProperties: e.UPLOAD_MAX_PROPERTIES,
      maxValueChars: e.UPLOAD_MAX_VALUE_CHARS,
      maxValueRows: e.VALUES_MAX_ROWS,
      tempDir: path.resolve(e.UPLOAD_DIR ?? os.tmpdir()),
    },
    downloadCache: {
      dir: path.resolve(e.DOWNLOAD_CACHE_DIR ?? path.join(os.tmpdir(), 'satupeta-downloads')),
      maxBytes: e.DOWNLOAD_CACHE_MB * 1024 * 1024,
    },
    trustProxy: e.TRUST_PROXY,
    logLevel: e.LOG_LEVEL,
  };
}

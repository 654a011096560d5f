import { z } from 'zod';

const booleanString = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no'])])
  .transform((value) => value === true || value === 'true' || value === '1' || value === 'yes');

const port = z.coerce.number().int().min(0).max(65_535);
const positiveMs = z.coerce.number().int().positive();

/**
 * Every setting Gatehouse reads. Keys are the names operators set, either as
 * environment variables or as keys of the optional JSON config file
 * (`GATEHOUSE_CONFIG`). Defaults live here and nowhere else.
 */
export const configSchema = z
  .object({
    PORT: port.default(4000),
    HOST: z.string().min(1).default('0.0.0.0'),
    GATEHOUSE_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    GATEHOUSE_DATA_DIR: z.string().min(1).default('./.gatehouse'),
    /** PostgreSQL connection string; when set, the registry lives there instead of the embedded store. */
    GATEHOUSE_DATABASE_URL: z.string().url().optional(),
    GATEHOUSE_DATABASE_SCHEMA: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a lower-case PostgreSQL identifier')
      .default('gatehouse'),
    GATEHOUSE_ADMIN_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
    /** Static mode: serve this supergraph SDL (file path or http(s) URL) instead of the registry. */
    GATEHOUSE_SUPERGRAPH: z.string().min(1).optional(),
    GATEHOUSE_SUPERGRAPH_POLL_MS: positiveMs.default(10_000),
    GATEHOUSE_ALLOW_PRIVATE_BACKENDS: booleanString.default(false),
    GATEHOUSE_BACKEND_TIMEOUT_MS: positiveMs.max(600_000).default(10_000),
    GATEHOUSE_DOCUMENT_CACHE_SIZE: z.coerce.number().int().min(0).default(1_000),
    GATEHOUSE_SHUTDOWN_TIMEOUT_MS: positiveMs.default(15_000),
    GATEHOUSE_GRAPHIQL: booleanString.default(true),
    GATEHOUSE_GRAPHIQL_DEFAULT_QUERY: z.string().optional(),
  })
  .superRefine((config, ctx) => {
    if (config.GATEHOUSE_SUPERGRAPH && config.GATEHOUSE_DATABASE_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['GATEHOUSE_SUPERGRAPH'],
        message: 'static supergraph mode does not use a registry database; unset GATEHOUSE_DATABASE_URL',
      });
    }
  });

export type RawConfig = z.infer<typeof configSchema>;

/** Validated configuration, shaped for the code that uses it. */
export interface GatehouseConfig {
  port: number;
  host: string;
  logLevel: RawConfig['GATEHOUSE_LOG_LEVEL'];
  store: { engine: 'embedded'; dataDir: string } | { engine: 'postgres'; connectionString: string; schema: string };
  adminToken: string | undefined;
  /** Static mode when set; registry mode otherwise. */
  supergraph: { source: string; pollMs: number } | undefined;
  allowPrivateBackends: boolean;
  backendTimeoutMs: number;
  documentCacheSize: number;
  shutdownTimeoutMs: number;
  graphiql: { enabled: boolean; defaultQuery: string | undefined };
}

export function toGatehouseConfig(raw: RawConfig): GatehouseConfig {
  return {
    port: raw.PORT,
    host: raw.HOST,
    logLevel: raw.GATEHOUSE_LOG_LEVEL,
    store: raw.GATEHOUSE_DATABASE_URL
      ? { engine: 'postgres', connectionString: raw.GATEHOUSE_DATABASE_URL, schema: raw.GATEHOUSE_DATABASE_SCHEMA }
      : { engine: 'embedded', dataDir: raw.GATEHOUSE_DATA_DIR },
    adminToken: raw.GATEHOUSE_ADMIN_TOKEN,
    supergraph: raw.GATEHOUSE_SUPERGRAPH
      ? { source: raw.GATEHOUSE_SUPERGRAPH, pollMs: raw.GATEHOUSE_SUPERGRAPH_POLL_MS }
      : undefined,
    allowPrivateBackends: raw.GATEHOUSE_ALLOW_PRIVATE_BACKENDS,
    backendTimeoutMs: raw.GATEHOUSE_BACKEND_TIMEOUT_MS,
    documentCacheSize: raw.GATEHOUSE_DOCUMENT_CACHE_SIZE,
    shutdownTimeoutMs: raw.GATEHOUSE_SHUTDOWN_TIMEOUT_MS,
    graphiql: { enabled: raw.GATEHOUSE_GRAPHIQL, defaultQuery: raw.GATEHOUSE_GRAPHIQL_DEFAULT_QUERY },
  };
}

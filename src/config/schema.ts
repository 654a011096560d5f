import { z } from 'zod';

const booleanString = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no'])])
  .transform((value) => value === true || value === 'true' || value === '1' || value === 'yes');

const port = z.coerce.number().int().min(0).max(65_535);
const positiveMs = z.coerce.number().int().positive();

/**
 * Marks a setting whose value must never be shown: config errors name it without echoing the
 * value, and the generated JSON Schema marks it `writeOnly` (JSON Schema's "never read back").
 */
const secret = <T extends z.ZodType>(schema: T): T => schema.meta({ writeOnly: true });

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
    GATEHOUSE_DATABASE_URL: secret(z.string().url().optional()),
    GATEHOUSE_DATABASE_SCHEMA: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a lower-case PostgreSQL identifier')
      .default('gatehouse'),
    GATEHOUSE_ADMIN_TOKEN: secret(z.string().min(16, 'at least 16 characters').optional()),
    /** Static mode: serve this supergraph SDL (file path or http(s) URL) instead of the registry. */
    // Secret: a supergraph URL may carry a token (a CDN access key, a signed URL).
    GATEHOUSE_SUPERGRAPH: secret(z.string().min(1).optional()),
    GATEHOUSE_SUPERGRAPH_POLL_MS: positiveMs.default(10_000),
    GATEHOUSE_ALLOW_PRIVATE_BACKENDS: booleanString.default(false),
    GATEHOUSE_BACKEND_TIMEOUT_MS: positiveMs.max(600_000).default(10_000),
    /** Largest backend answer read, in bytes; past it the field fails with BACKEND_BAD_RESPONSE. 10 MiB. */
    GATEHOUSE_MAX_BACKEND_RESPONSE_BYTES: z.coerce.number().int().min(1_024).default(10_485_760),
    /** Largest OpenAPI document accepted, inline or fetched from its URL, in bytes. 10 MiB. */
    GATEHOUSE_MAX_OPENAPI_DOCUMENT_BYTES: z.coerce.number().int().min(1_024).default(10_485_760),
    GATEHOUSE_DOCUMENT_CACHE_SIZE: z.coerce.number().int().min(0).default(1_000),
    /** Schema versions the registry keeps; older ones are deleted as new ones are made. */
    GATEHOUSE_SCHEMA_VERSIONS_KEPT: z.coerce.number().int().min(1).max(100_000).default(100),
    /** Estimated memory the parse cache may hold, in bytes: text plus ~512 bytes a token (64 MiB). */
    GATEHOUSE_DOCUMENT_CACHE_BYTES: z.coerce.number().int().min(0).default(67_108_864),
    GATEHOUSE_SHUTDOWN_TIMEOUT_MS: positiveMs.default(15_000),
    GATEHOUSE_GRAPHIQL: booleanString.default(true),
    GATEHOUSE_GRAPHIQL_DEFAULT_QUERY: z.string().optional(),

    // Consumers and authentication (request path)
    /**
     * Off: /graphql identifies no consumer, so nothing that needs one runs (authentication, trusted
     * documents, introspection policy, field authorization, cost, rate limits). Hard limits and
     * CSRF prevention stay. For benchmarks and trusted networks only.
     */
    GATEHOUSE_API_MANAGEMENT: booleanString.default(true),
    /** Header carrying a consumer's API key. */
    GATEHOUSE_API_KEY_HEADER: z.string().regex(/^[a-z0-9-]{1,64}$/, 'a lower-case header name').default('x-api-key'),
    /** How long a key lookup is cached: a revocation takes effect within this delay. */
    GATEHOUSE_API_KEY_CACHE_TTL_MS: z.coerce.number().int().min(0).max(60_000).default(2_000),
    /** Name of the plan for requests without credentials; unset means credentials are required. */
    GATEHOUSE_ANONYMOUS_PLAN: z.string().min(1).optional(),
    GATEHOUSE_JWT_JWKS_URL: z.string().url().optional(),
    /** PEM public key (RS256/ES256/EdDSA) when there is no JWKS endpoint. */
    GATEHOUSE_JWT_PUBLIC_KEY: secret(z.string().min(1).optional()),
    GATEHOUSE_JWT_ISSUER: z.string().min(1).optional(),
    GATEHOUSE_JWT_AUDIENCE: z.string().min(1).optional(),
    GATEHOUSE_JWT_CLOCK_SKEW_S: z.coerce.number().int().min(0).max(600).default(30),
    /** Claim whose value is the consumer's name. */
    GATEHOUSE_JWT_CONSUMER_CLAIM: z.string().min(1).default('sub'),
    /** Claim holding the scopes (space-separated string or array). */
    GATEHOUSE_JWT_SCOPES_CLAIM: z.string().min(1).default('scope'),

    // Cost, rate limits and hard limits (request path)
    /** Add `extensions.cost` to every response (clients can also ask with `x-gatehouse-cost: true`). */
    GATEHOUSE_EXPOSE_COST: booleanString.default(false),
    /** List size assumed when a list field has no slicing argument or @listSize. */
    GATEHOUSE_DEFAULT_LIST_SIZE: z.coerce.number().int().min(1).max(10_000).default(10),
    GATEHOUSE_MAX_BODY_BYTES: z.coerce.number().int().min(1_024).default(2_000_000),
    /** Bytes of one document's text, checked before it is parsed (256 KiB). */
    GATEHOUSE_MAX_DOCUMENT_BYTES: z.coerce.number().int().min(1_024).default(262_144),
    GATEHOUSE_MAX_TOKENS: z.coerce.number().int().min(10).default(15_000),
    GATEHOUSE_MAX_DEPTH: z.coerce.number().int().min(1).default(32),
    /** Depth of a `__schema`/`__type` selection (GraphiQL's introspection query is 15 deep). */
    GATEHOUSE_MAX_INTROSPECTION_DEPTH: z.coerce.number().int().min(1).default(20),
    GATEHOUSE_MAX_ALIASES: z.coerce.number().int().min(1).default(30),
    GATEHOUSE_MAX_DIRECTIVES: z.coerce.number().int().min(1).default(50),
    GATEHOUSE_MAX_FIELDS_PER_SELECTION: z.coerce.number().int().min(1).default(200),
    GATEHOUSE_MAX_BATCH_OPERATIONS: z.coerce.number().int().min(1).default(10),
    GATEHOUSE_MAX_GET_QUERY_BYTES: z.coerce.number().int().min(256).default(8_192),

    // Usage records and the audit log
    /** Record every /graphql operation (consumer, operation, fields, cost, latency, backends) off the hot path. */
    GATEHOUSE_USAGE: booleanString.default(true),
    /** Records held in memory until written; past it new records are dropped (and counted). */
    GATEHOUSE_USAGE_BUFFER_SIZE: z.coerce.number().int().min(100).max(1_000_000).default(10_000),
    GATEHOUSE_USAGE_FLUSH_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(1_000),
    GATEHOUSE_USAGE_RETENTION_RAW_HOURS: z.coerce.number().int().min(1).max(8_760).default(24),
    GATEHOUSE_USAGE_RETENTION_MINUTE_DAYS: z.coerce.number().int().min(1).max(3_650).default(7),
    GATEHOUSE_USAGE_RETENTION_HOUR_DAYS: z.coerce.number().int().min(1).max(36_500).default(90),
    GATEHOUSE_USAGE_RETENTION_DAY_DAYS: z.coerce.number().int().min(1).max(36_500).default(730),
    /** How far back checkBackend looks for consumers of what a change breaks. */
    GATEHOUSE_SCHEMA_CHECK_USAGE_WINDOW_DAYS: z.coerce.number().int().min(1).max(36_500).default(30),
    GATEHOUSE_AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(365),
  })
  .superRefine((config, ctx) => {
    if (config.GATEHOUSE_JWT_JWKS_URL && config.GATEHOUSE_JWT_PUBLIC_KEY) {
      ctx.addIssue({
        code: 'custom',
        path: ['GATEHOUSE_JWT_PUBLIC_KEY'],
        message: 'set either GATEHOUSE_JWT_JWKS_URL or GATEHOUSE_JWT_PUBLIC_KEY, not both',
      });
    }
    // Each resolution is answered from the next finer one's horizon on: a coarser one kept for
    // less time than a finer one would leave a gap.
    const retention: Array<[keyof typeof config, number]> = [
      ['GATEHOUSE_USAGE_RETENTION_RAW_HOURS', config.GATEHOUSE_USAGE_RETENTION_RAW_HOURS],
      ['GATEHOUSE_USAGE_RETENTION_MINUTE_DAYS', config.GATEHOUSE_USAGE_RETENTION_MINUTE_DAYS * 24],
      ['GATEHOUSE_USAGE_RETENTION_HOUR_DAYS', config.GATEHOUSE_USAGE_RETENTION_HOUR_DAYS * 24],
      ['GATEHOUSE_USAGE_RETENTION_DAY_DAYS', config.GATEHOUSE_USAGE_RETENTION_DAY_DAYS * 24],
    ];
    for (let i = 1; i < retention.length; i++) {
      const [name, hours] = retention[i]!;
      const [finer, finerHours] = retention[i - 1]!;
      if (hours < finerHours) {
        ctx.addIssue({ code: 'custom', path: [name], message: `must keep at least as long as ${finer}` });
      }
    }
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
  /** Default cap on one backend answer, in bytes (`GATEHOUSE_MAX_BACKEND_RESPONSE_BYTES`). */
  maxBackendResponseBytes: number;
  /** Cap on an OpenAPI document, inline or fetched, in bytes (`GATEHOUSE_MAX_OPENAPI_DOCUMENT_BYTES`). */
  maxOpenApiDocumentBytes: number;
  documentCache: { maxEntries: number; maxBytes: number };
  schemaVersionsKept: number;
  shutdownTimeoutMs: number;
  graphiql: { enabled: boolean; defaultQuery: string | undefined };
  auth: AuthConfig;
  limits: LimitsConfig;
  usage: UsageConfig;
  audit: { retentionDays: number };
}

export interface UsageConfig {
  enabled: boolean;
  bufferSize: number;
  flushIntervalMs: number;
  retention: { rawHours: number; minuteDays: number; hourDays: number; dayDays: number };
  schemaCheckWindowDays: number;
}

export interface AuthConfig {
  /**
   * False: the request path leaves out every consumer plugin and requests carry no consumer
   * (`GATEHOUSE_API_MANAGEMENT`). Kept here, with authentication, because every plugin it removes
   * depends on the consumer that authentication establishes.
   */
  apiManagement: boolean;
  apiKeyHeader: string;
  apiKeyCacheTtlMs: number;
  /** Plan name for anonymous requests; undefined: credentials required. */
  anonymousPlan: string | undefined;
  /** Undefined when JWTs are not accepted. */
  jwt:
    | {
        key: { jwksUrl: string } | { publicKeyPem: string };
        issuer: string | undefined;
        audience: string | undefined;
        clockSkewSeconds: number;
        consumerClaim: string;
        scopesClaim: string;
      }
    | undefined;
}

export interface LimitsConfig {
  exposeCost: boolean;
  defaultListSize: number;
  maxBodyBytes: number;
  maxDocumentBytes: number;
  maxTokens: number;
  maxDepth: number;
  maxIntrospectionDepth: number;
  maxAliases: number;
  maxDirectives: number;
  maxFieldsPerSelection: number;
  maxBatchOperations: number;
  maxGetQueryBytes: number;
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
    maxBackendResponseBytes: raw.GATEHOUSE_MAX_BACKEND_RESPONSE_BYTES,
    maxOpenApiDocumentBytes: raw.GATEHOUSE_MAX_OPENAPI_DOCUMENT_BYTES,
    documentCache: { maxEntries: raw.GATEHOUSE_DOCUMENT_CACHE_SIZE, maxBytes: raw.GATEHOUSE_DOCUMENT_CACHE_BYTES },
    schemaVersionsKept: raw.GATEHOUSE_SCHEMA_VERSIONS_KEPT,
    shutdownTimeoutMs: raw.GATEHOUSE_SHUTDOWN_TIMEOUT_MS,
    graphiql: { enabled: raw.GATEHOUSE_GRAPHIQL, defaultQuery: raw.GATEHOUSE_GRAPHIQL_DEFAULT_QUERY },
    auth: {
      apiManagement: raw.GATEHOUSE_API_MANAGEMENT,
      apiKeyHeader: raw.GATEHOUSE_API_KEY_HEADER,
      apiKeyCacheTtlMs: raw.GATEHOUSE_API_KEY_CACHE_TTL_MS,
      anonymousPlan: raw.GATEHOUSE_ANONYMOUS_PLAN,
      jwt:
        raw.GATEHOUSE_JWT_JWKS_URL || raw.GATEHOUSE_JWT_PUBLIC_KEY
          ? {
              key: raw.GATEHOUSE_JWT_JWKS_URL
                ? { jwksUrl: raw.GATEHOUSE_JWT_JWKS_URL }
                : { publicKeyPem: raw.GATEHOUSE_JWT_PUBLIC_KEY! },
              issuer: raw.GATEHOUSE_JWT_ISSUER,
              audience: raw.GATEHOUSE_JWT_AUDIENCE,
              clockSkewSeconds: raw.GATEHOUSE_JWT_CLOCK_SKEW_S,
              consumerClaim: raw.GATEHOUSE_JWT_CONSUMER_CLAIM,
              scopesClaim: raw.GATEHOUSE_JWT_SCOPES_CLAIM,
            }
          : undefined,
    },
    limits: {
      exposeCost: raw.GATEHOUSE_EXPOSE_COST,
      defaultListSize: raw.GATEHOUSE_DEFAULT_LIST_SIZE,
      maxBodyBytes: raw.GATEHOUSE_MAX_BODY_BYTES,
      maxDocumentBytes: raw.GATEHOUSE_MAX_DOCUMENT_BYTES,
      maxTokens: raw.GATEHOUSE_MAX_TOKENS,
      maxDepth: raw.GATEHOUSE_MAX_DEPTH,
      maxIntrospectionDepth: raw.GATEHOUSE_MAX_INTROSPECTION_DEPTH,
      maxAliases: raw.GATEHOUSE_MAX_ALIASES,
      maxDirectives: raw.GATEHOUSE_MAX_DIRECTIVES,
      maxFieldsPerSelection: raw.GATEHOUSE_MAX_FIELDS_PER_SELECTION,
      maxBatchOperations: raw.GATEHOUSE_MAX_BATCH_OPERATIONS,
      maxGetQueryBytes: raw.GATEHOUSE_MAX_GET_QUERY_BYTES,
    },
    usage: {
      enabled: raw.GATEHOUSE_USAGE,
      bufferSize: raw.GATEHOUSE_USAGE_BUFFER_SIZE,
      flushIntervalMs: raw.GATEHOUSE_USAGE_FLUSH_INTERVAL_MS,
      retention: {
        rawHours: raw.GATEHOUSE_USAGE_RETENTION_RAW_HOURS,
        minuteDays: raw.GATEHOUSE_USAGE_RETENTION_MINUTE_DAYS,
        hourDays: raw.GATEHOUSE_USAGE_RETENTION_HOUR_DAYS,
        dayDays: raw.GATEHOUSE_USAGE_RETENTION_DAY_DAYS,
      },
      schemaCheckWindowDays: raw.GATEHOUSE_SCHEMA_CHECK_USAGE_WINDOW_DAYS,
    },
    audit: { retentionDays: raw.GATEHOUSE_AUDIT_RETENTION_DAYS },
  };
}

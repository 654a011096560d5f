import ipaddr from 'ipaddr.js';
import { z } from 'zod';

const booleanString = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no'])])
  .transform((value) => value === true || value === 'true' || value === '1' || value === 'yes');

const port = z.coerce.number().int().min(0).max(65_535);
const positiveMs = z.coerce.number().int().positive();

const redisNode = z.object({ host: z.string().min(1), port: port.default(6379) });

/** Options Gatehouse sets itself: they decide how fast a failing Redis is noticed, so they have their own settings. */
export const RESERVED_REDIS_OPTIONS = [
  'commandTimeout',
  'connectTimeout',
  'enableOfflineQueue',
  'maxRetriesPerRequest',
  'keyPrefix',
  'lazyConnect',
] as const;

/**
 * ioredis options as a JSON object, passed through: `sentinels` with the master's `name`, or
 * `cluster` (more seed nodes; the URL's node is one), TLS, `sentinelPassword`, `redisOptions`...
 */
const redisOptions = z.preprocess(
  (value) => {
    if (typeof value !== 'string') return value;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  },
  z.looseObject(
    {
      sentinels: z.array(redisNode).min(1).optional(),
      name: z.string().min(1).optional(),
      cluster: z.array(redisNode).optional(),
    },
    { error: 'a JSON object of ioredis options' },
  ),
);

/** `10.0.0.0/8,127.0.0.1`: CIDRs or single addresses, normalised to CIDRs. */
const cidrList = z.union([z.string(), z.array(z.string())]).transform((value, ctx) => {
  const items = (Array.isArray(value) ? value : value.split(',')).map((item) => item.trim()).filter(Boolean);
  const cidrs: string[] = [];
  for (const item of items) {
    if (ipaddr.isValidCIDR(item)) {
      const [address, bits] = ipaddr.parseCIDR(item);
      cidrs.push(`${address.toString()}/${bits}`);
    } else if (ipaddr.isValid(item)) {
      const address = ipaddr.parse(item);
      cidrs.push(`${address.toString()}/${address.kind() === 'ipv4' ? 32 : 128}`);
    } else {
      ctx.addIssue({ code: 'custom', message: `"${item}" is not an IP address or CIDR (e.g. 10.0.0.0/8)` });
    }
  }
  return cidrs;
});

/**
 * Marks a setting whose value must never be shown: config errors name it without echoing the
 * value, and the generated JSON Schema marks it `writeOnly` (JSON Schema's "never read back").
 */
const secret = <T extends z.ZodType>(schema: T): T => schema.meta({ writeOnly: true });

/**
 * OTLP headers as the OpenTelemetry spec writes them: `key1=value1,key2=value2`, values
 * percent-encoded (`Authorization=Bearer%20abc`). Often holds a vendor's token.
 */
const otlpHeaders = z.string().transform((value, ctx) => {
  const headers: Record<string, string> = {};
  for (const pair of value.split(',')) {
    if (pair.trim() === '') continue;
    const equals = pair.indexOf('=');
    const name = equals > 0 ? pair.slice(0, equals).trim() : '';
    if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) {
      ctx.addIssue({ code: 'custom', message: 'comma-separated key=value pairs (key1=value1,key2=value2)' });
      return z.NEVER;
    }
    try {
      headers[name.toLowerCase()] = decodeURIComponent(pair.slice(equals + 1).trim());
    } catch {
      ctx.addIssue({ code: 'custom', message: `the value of "${name}" is not percent-encoded correctly` });
      return z.NEVER;
    }
  }
  return headers;
});

const httpUrl = z
  .string()
  .url()
  .refine((url) => /^https?:\/\//i.test(url), 'an http:// or https:// URL');

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
    /** Registry on PostgreSQL: how often each instance compares the stored version with its own (a missed notification's bound). */
    GATEHOUSE_REGISTRY_POLL_MS: z.coerce.number().int().min(10).max(3_600_000).default(5_000),
    GATEHOUSE_SHUTDOWN_TIMEOUT_MS: positiveMs.default(15_000),
    /** V8's old-space growth step, in percent (`--heap-growing-percent`); 0 keeps V8's own. */
    GATEHOUSE_HEAP_GROWING_PERCENT: z.coerce.number().int().min(0).max(1_000).default(0),
    GATEHOUSE_GRAPHIQL: booleanString.default(true),
    GATEHOUSE_GRAPHIQL_DEFAULT_QUERY: z.string().optional(),
    /** The dashboard page at /admin (its data comes from the admin API, with the admin token). */
    GATEHOUSE_DASHBOARD: booleanString.default(true),

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

    // Several instances: shared budgets on Redis, client addresses behind a load balancer
    /** Redis holding the rate-limit and quota budgets every instance shares; unset: per instance, in memory. */
    GATEHOUSE_REDIS_URL: secret(
      z
        .string()
        .url()
        .refine((url) => /^rediss?:\/\//.test(url), 'a redis:// or rediss:// URL')
        .optional(),
    ),
    // May carry Sentinel or Cluster passwords.
    GATEHOUSE_REDIS_OPTIONS: secret(redisOptions.optional()),
    /** Prefix of every key Gatehouse writes, so instances of several gateways can share one Redis. */
    GATEHOUSE_REDIS_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9:_.-]{1,64}$/, 'letters, digits and : _ . - (at most 64)')
      .default('gatehouse:'),
    /** Redis unreachable: `open` counts in this instance's memory, `closed` refuses limited requests. */
    GATEHOUSE_REDIS_FAILURE: z.enum(['open', 'closed']).default('open'),
    GATEHOUSE_REDIS_COMMAND_TIMEOUT_MS: positiveMs.max(10_000).default(250),
    GATEHOUSE_REDIS_CONNECT_TIMEOUT_MS: positiveMs.max(60_000).default(2_000),
    /** Peers whose forwarding header is believed (CIDRs); empty: the client address is the socket's. */
    GATEHOUSE_TRUSTED_PROXIES: cidrList.default([]),
    /** Which header the trusted proxies write. */
    GATEHOUSE_CLIENT_ADDRESS_HEADER: z.enum(['x-forwarded-for', 'forwarded']).default('x-forwarded-for'),

    // Response cache (request path); nothing is cached without an admin policy or @cacheControl hint.
    GATEHOUSE_RESPONSE_CACHE: booleanString.default(true),
    /** Memory the in-process cache may take, in bytes (64 MiB); with Redis, Redis's maxmemory bounds it. */
    GATEHOUSE_RESPONSE_CACHE_MAX_BYTES: z.coerce.number().int().min(1_024).default(67_108_864),

    // Metrics, traces and access logs (telemetry/)
    /** Prometheus metrics at /metrics (and the recording behind them). */
    GATEHOUSE_METRICS: booleanString.default(true),
    /** Serve /metrics on this port only (not on PORT), so it need not be reachable by consumers. */
    GATEHOUSE_METRICS_PORT: port.optional(),
    /** Interface of the metrics port; unset: HOST. */
    GATEHOUSE_METRICS_HOST: z.string().min(1).optional(),
    /** Distinct operation names that get their own label value; later ones are counted as `(other)`. */
    GATEHOUSE_METRICS_MAX_OPERATIONS: z.coerce.number().int().min(1).max(10_000).default(100),
    /** One log line per /graphql and /admin/graphql request, at this level; `false`: none. */
    GATEHOUSE_ACCESS_LOG: z
      .union([z.boolean(), z.enum(['true', 'false', 'info', 'debug', 'trace'])], { error: 'true, false, info, debug or trace' })
      .default('info')
      .transform((value): AccessLogLevel => (value === true || value === 'true' ? 'info' : value === false || value === 'false' ? false : value)),
    /** OTLP/HTTP receiver (collector) base URL: traces go to `<url>/v1/traces`. Setting it turns tracing on. */
    GATEHOUSE_OTLP_ENDPOINT: httpUrl.optional(),
    // The OpenTelemetry SDK's standard names, read here like every other setting.
    OTEL_EXPORTER_OTLP_ENDPOINT: httpUrl.optional(),
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: httpUrl.optional(),
    OTEL_EXPORTER_OTLP_HEADERS: secret(otlpHeaders.optional()),
    OTEL_EXPORTER_OTLP_TRACES_HEADERS: secret(otlpHeaders.optional()),
    OTEL_EXPORTER_OTLP_TIMEOUT: positiveMs.max(600_000).default(10_000),
    OTEL_SERVICE_NAME: z.string().min(1).default('gatehouse'),
    OTEL_SDK_DISABLED: booleanString.default(false),
    /** Share of new traces recorded (0–1); a caller's sampling decision in `traceparent` is followed. */
    GATEHOUSE_TRACE_SAMPLE_RATIO: z.coerce.number().min(0).max(1).default(1),

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
    const options = config.GATEHOUSE_REDIS_OPTIONS;
    if (options && !config.GATEHOUSE_REDIS_URL) {
      ctx.addIssue({ code: 'custom', path: ['GATEHOUSE_REDIS_OPTIONS'], message: 'needs GATEHOUSE_REDIS_URL' });
    }
    if (options?.sentinels && options.cluster) {
      ctx.addIssue({ code: 'custom', path: ['GATEHOUSE_REDIS_OPTIONS'], message: 'set either `sentinels` or `cluster`, not both' });
    }
    if (options?.sentinels && !options.name) {
      ctx.addIssue({ code: 'custom', path: ['GATEHOUSE_REDIS_OPTIONS'], message: '`sentinels` needs the master group `name`' });
    }
    for (const key of RESERVED_REDIS_OPTIONS) {
      if (options && key in options) {
        ctx.addIssue({
          code: 'custom',
          path: ['GATEHOUSE_REDIS_OPTIONS'],
          message: `\`${key}\` is set by Gatehouse (see GATEHOUSE_REDIS_COMMAND_TIMEOUT_MS, GATEHOUSE_REDIS_CONNECT_TIMEOUT_MS, GATEHOUSE_REDIS_PREFIX)`,
        });
      }
    }
    if (config.GATEHOUSE_JWT_JWKS_URL && config.GATEHOUSE_JWT_PUBLIC_KEY) {
      ctx.addIssue({
        code: 'custom',
        path: ['GATEHOUSE_JWT_PUBLIC_KEY'],
        message: 'set either GATEHOUSE_JWT_JWKS_URL or GATEHOUSE_JWT_PUBLIC_KEY, not both',
      });
    }
    if (config.GATEHOUSE_METRICS_PORT !== undefined && config.GATEHOUSE_METRICS_PORT !== 0 && config.GATEHOUSE_METRICS_PORT === config.PORT) {
      ctx.addIssue({ code: 'custom', path: ['GATEHOUSE_METRICS_PORT'], message: 'must differ from PORT (unset it to serve /metrics on PORT)' });
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
  /** Registry on PostgreSQL: interval of the stored-version check, in ms (`GATEHOUSE_REGISTRY_POLL_MS`). */
  registryPollMs: number;
  shutdownTimeoutMs: number;
  /** Applied to V8 at start-up by `main.ts`; 0 leaves V8's heuristic alone. */
  heapGrowingPercent: number;
  graphiql: { enabled: boolean; defaultQuery: string | undefined };
  /** The dashboard at /admin (`GATEHOUSE_DASHBOARD`). */
  dashboard: { enabled: boolean };
  auth: AuthConfig;
  limits: LimitsConfig;
  /** Undefined: budgets are counted in this process's memory. */
  redis: RedisConfig | undefined;
  clientAddress: ClientAddressConfig;
  responseCache: ResponseCacheConfig;
  telemetry: TelemetryConfig;
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

/** A log level for access lines, or `false` for none. */
export type AccessLogLevel = 'info' | 'debug' | 'trace' | false;

export interface TelemetryConfig {
  /** Undefined: no /metrics and nothing recorded for it. */
  metrics: { port: number | undefined; host: string; maxOperations: number } | undefined;
  accessLog: AccessLogLevel;
  /** Undefined: tracing off (no spans, no `traceparent` sent to backends). */
  tracing: TracingConfig | undefined;
}

export interface TracingConfig {
  /** Full URL spans are POSTed to (OTLP/HTTP, JSON). */
  tracesUrl: string;
  /** Sent with every export (e.g. a vendor's token). */
  headers: Readonly<Record<string, string>>;
  timeoutMs: number;
  serviceName: string;
  /** Share of root traces sampled, 0–1 (parent-based: an incoming decision wins). */
  sampleRatio: number;
}

export interface RedisConfig {
  url: string;
  /** Passed through to ioredis (`sentinels`/`name`, `cluster` seed nodes, `tls`…). */
  options: Readonly<Record<string, unknown>>;
  keyPrefix: string;
  /** What happens to limited requests while Redis is unreachable. */
  failure: 'open' | 'closed';
  commandTimeoutMs: number;
  connectTimeoutMs: number;
}

export interface ClientAddressConfig {
  /** CIDRs of the proxies whose forwarding header is believed. */
  trustedProxies: readonly string[];
  header: 'x-forwarded-for' | 'forwarded';
}

export interface ResponseCacheConfig {
  /** `GATEHOUSE_RESPONSE_CACHE`: false leaves it out (every answer says `BYPASS`). */
  enabled: boolean;
  /** Bound of the in-process storage, in bytes (with Redis, entries live there, shared by every instance). */
  maxBytes: number;
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
    registryPollMs: raw.GATEHOUSE_REGISTRY_POLL_MS,
    shutdownTimeoutMs: raw.GATEHOUSE_SHUTDOWN_TIMEOUT_MS,
    heapGrowingPercent: raw.GATEHOUSE_HEAP_GROWING_PERCENT,
    graphiql: { enabled: raw.GATEHOUSE_GRAPHIQL, defaultQuery: raw.GATEHOUSE_GRAPHIQL_DEFAULT_QUERY },
    dashboard: { enabled: raw.GATEHOUSE_DASHBOARD },
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
    redis: raw.GATEHOUSE_REDIS_URL
      ? {
          url: raw.GATEHOUSE_REDIS_URL,
          options: raw.GATEHOUSE_REDIS_OPTIONS ?? {},
          keyPrefix: raw.GATEHOUSE_REDIS_PREFIX,
          failure: raw.GATEHOUSE_REDIS_FAILURE,
          commandTimeoutMs: raw.GATEHOUSE_REDIS_COMMAND_TIMEOUT_MS,
          connectTimeoutMs: raw.GATEHOUSE_REDIS_CONNECT_TIMEOUT_MS,
        }
      : undefined,
    clientAddress: { trustedProxies: raw.GATEHOUSE_TRUSTED_PROXIES, header: raw.GATEHOUSE_CLIENT_ADDRESS_HEADER },
    responseCache: { enabled: raw.GATEHOUSE_RESPONSE_CACHE, maxBytes: raw.GATEHOUSE_RESPONSE_CACHE_MAX_BYTES },
    telemetry: toTelemetryConfig(raw),
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

function toTelemetryConfig(raw: RawConfig): TelemetryConfig {
  // Gatehouse's own name first, then the SDK's: a traces-specific URL is used as is, a base URL gets
  // the OTLP/HTTP path appended (OpenTelemetry exporter spec, "Endpoint URLs for OTLP/HTTP").
  const base = raw.GATEHOUSE_OTLP_ENDPOINT ?? raw.OTEL_EXPORTER_OTLP_ENDPOINT;
  const tracesUrl = raw.GATEHOUSE_OTLP_ENDPOINT
    ? `${raw.GATEHOUSE_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`
    : (raw.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (base && `${base.replace(/\/+$/, '')}/v1/traces`));
  return {
    metrics: raw.GATEHOUSE_METRICS
      ? { port: raw.GATEHOUSE_METRICS_PORT, host: raw.GATEHOUSE_METRICS_HOST ?? raw.HOST, maxOperations: raw.GATEHOUSE_METRICS_MAX_OPERATIONS }
      : undefined,
    accessLog: raw.GATEHOUSE_ACCESS_LOG,
    tracing:
      tracesUrl && !raw.OTEL_SDK_DISABLED
        ? {
            tracesUrl,
            headers: { ...raw.OTEL_EXPORTER_OTLP_HEADERS, ...raw.OTEL_EXPORTER_OTLP_TRACES_HEADERS },
            timeoutMs: raw.OTEL_EXPORTER_OTLP_TIMEOUT,
            serviceName: raw.OTEL_SERVICE_NAME,
            sampleRatio: raw.GATEHOUSE_TRACE_SAMPLE_RATIO,
          }
        : undefined,
  };
}

import type { ChangeFeed } from '../cluster/change-feed.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { PlanRecord } from '../consumers/types.js';
import type { BaseContext } from '../http/context.js';
import type { ServedGraph } from '../graph/generation.js';
import type { Registry } from '../graph/registry.js';
import type { Store } from '../store/types.js';
import type { UsageAnalytics, UsageRecorderStatus } from '../usage/index.js';

/** A consumer's rate-limit budget now, read through the request path's limiter (passed in by `gatehouse.ts`). */
export type RateLimitBudgetReader = (
  consumerId: string,
  plan: PlanRecord,
) => Promise<{ limit: number; windowSeconds: number; remaining: number; resetAt: Date } | undefined>;

/** What the usage queries need. */
export interface AdminUsage {
  /** `GATEHOUSE_USAGE`: whether this instance records. */
  enabled: boolean;
  analytics: UsageAnalytics;
  recorderStatus: () => UsageRecorderStatus;
  /** Default `since` of fieldUsage and deprecatedFieldUsage: the schema-check window. */
  windowDays: number;
  rateLimitBudget?: RateLimitBudgetReader | undefined;
  /** @default Date.now */
  now: () => number;
}

/** The response cache as the admin API drives it (`ResponseCache` on the request path). */
export interface ResponseCacheControl {
  /** A policy was set or removed: read the policies again, here and on every instance. */
  policiesChanged(): Promise<void>;
  /** Each resolves with the entries removed from this instance's storage (or from Redis, for all). */
  purgeAll(): Promise<number>;
  purgeType(typeName: string): Promise<number>;
  purgeEntity(typeName: string, canonicalKeys: readonly string[]): Promise<number>;
}

/** What the admin resolvers need besides the request itself. */
export interface AdminDependencies {
  /** Undefined when the response cache is off (`GATEHOUSE_RESPONSE_CACHE=false`): purges remove nothing. */
  responseCache: ResponseCacheControl | undefined;
  /** Undefined in static supergraph mode, where the registry is read-only. */
  registry: Registry | undefined;
  store: Store;
  served: ServedGraph;
  /** Where consumer changes are announced to every instance (see `announce.ts`). */
  changes: Pick<ChangeFeed, 'publish'>;
  /** Checks a backend URL against the address rules (syntax, DNS, private ranges); throws BAD_USER_INPUT. */
  validateBackendUrl: (url: string, field?: string) => Promise<void>;
  /** Where every mutation is recorded; undefined: nothing is (tests of the resolvers alone). */
  audit?: AuditLog | undefined;
  usage: AdminUsage;
}

/**
 * Context of an admin operation: it has passed the admin token check, which names the credential
 * (`adminActor`, for the audit log).
 */
export type AdminContext = BaseContext & AdminDependencies & { adminActor?: string };

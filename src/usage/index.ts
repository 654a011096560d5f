import type { UsageConfig } from '../config/schema.js';
import type { Logger } from '../log.js';
import { UsageAnalytics } from './analytics.js';
import { BackendCallTracker } from './backend-calls.js';
import { UsageMaintenance } from './maintenance.js';
import { UsageRecorder } from './recorder.js';
import { usageRetention } from './retention.js';
import type { UsageStore } from './types.js';

export type { UsageRecordDraft, UsageRecorderStatus } from './recorder.js';
export type { UsageBucket, UsageInterval, UsageQuery, UsageReport, UsedBy } from './analytics.js';
export { UsageAnalytics, UsageRecorder, UsageMaintenance, BackendCallTracker };
export { quotaPeriodBounds } from './retention.js';

/** Usage recording as one instance runs it: the buffer, the backend-call tracker, the periodic job and the analytics. */
export interface Usage {
  recorder: UsageRecorder;
  backendCalls: BackendCallTracker;
  maintenance: UsageMaintenance;
  analytics: UsageAnalytics;
  /** Stops recording and the job, and writes what is buffered (before the store closes). */
  close(): Promise<void>;
}

export interface UsageOptions {
  store: UsageStore;
  config: UsageConfig;
  log: Logger;
  /** Clock in ms since the epoch. @default Date.now */
  now?: () => number;
  /** How often rollups and retention run, in ms. @default 60000 */
  maintenanceIntervalMs?: number;
}

/**
 * Wires usage recording up. When `config.enabled` is false nothing records or subscribes to the
 * engine; the analytics still answer from what is stored, and the job still applies the
 * retention to it (and rolls up what other instances record).
 */
export function createUsage({ store, config, log, now = Date.now, maintenanceIntervalMs }: UsageOptions): Usage {
  const retention = usageRetention(config.retention);
  const recorder = new UsageRecorder({ store, log, bufferSize: config.bufferSize, flushIntervalMs: config.flushIntervalMs, now });
  const backendCalls = new BackendCallTracker();
  const maintenance = new UsageMaintenance({ store, retention, log, now, intervalMs: maintenanceIntervalMs });
  const analytics = new UsageAnalytics({ store, retention, now });
  maintenance.start();
  if (config.enabled) {
    recorder.start();
    backendCalls.start();
  }
  return {
    recorder,
    backendCalls,
    maintenance,
    analytics,
    async close() {
      backendCalls.stop();
      await maintenance.stop();
      await recorder.close();
    },
  };
}

/**
 * What schema checks ask (`graph/change-usage.ts`' `ChangeUsageLookup`): who used any of some
 * coordinates within the last `windowDays`.
 */
export function schemaCheckUsage(analytics: UsageAnalytics, windowDays: number, now: () => number = Date.now) {
  const since = () => new Date(now() - windowDays * 86_400_000);
  return {
    since,
    async usageOf(coordinates: { exact: string[]; prefixes: string[] }) {
      const used = await analytics.usedBy(coordinates, since().getTime());
      return {
        requests: used.requests,
        consumers: used.consumers.map((consumer) => consumer.consumer),
        operations: used.operations.map(({ name, documentHash, requests }) => ({ name, documentHash, requests })),
      };
    },
  };
}

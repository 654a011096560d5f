import type { AccessLogLevel } from '../config/schema.js';
import type { Logger } from '../log.js';
import type { RequestObservation } from './observation.js';

export interface AccessLineContext {
  method: string | undefined;
  path: string;
  status: number;
  durationMs: number;
  /** The client closed the connection before the whole answer was sent. */
  aborted: boolean;
  clientAddress: string | undefined;
  userAgent: string | undefined;
  traceId: string | undefined;
}

/**
 * One line per GraphQL request, written by the request's own logger (so it carries `requestId`).
 * Only what is safe to keep: the consumer by name and its API key by public prefix, never a
 * credential, a header, variables or the query text.
 */
export function writeAccessLine(log: Logger, level: Exclude<AccessLogLevel, false>, observation: RequestObservation, line: AccessLineContext): void {
  if (!log.isLevelEnabled(level)) return;
  const { operations, consumer } = observation;
  const single = operations.length === 1 ? operations[0] : undefined;
  log[level](
    {
      component: 'access',
      endpoint: observation.endpoint,
      method: line.method,
      path: line.path,
      status: line.status,
      durationMs: Math.round(line.durationMs * 100) / 100,
      consumer: consumer?.name,
      via: consumer?.via,
      keyPrefix: consumer?.keyPrefix,
      plan: consumer?.plan.name,
      operationName: single?.name,
      operationType: single?.type,
      operations: operations.length > 1 ? operations.map(({ name, type }) => ({ name, type })) : undefined,
      cost: observation.cost,
      cache: observation.cacheStatus,
      errorCodes: observation.errorCodes.size ? [...observation.errorCodes] : undefined,
      clientAddress: line.clientAddress,
      userAgent: line.userAgent?.slice(0, 256),
      traceId: line.traceId,
      aborted: line.aborted || undefined,
    },
    'request',
  );
}

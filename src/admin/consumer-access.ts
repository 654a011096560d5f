import { generateApiKey } from '../consumers/api-keys.js';
import { badUserInput, notFound } from '../errors.js';
import { StoreRejection, type StoreRejectionReason } from '../store/store-error.js';
import type { ApiKeyRecord, ConsumerRecord, PlanRecord } from '../consumers/types.js';
import type { Store } from '../store/types.js';
import type { AdminContext } from './context.js';

// Lookups and writes shared by the plan, consumer and key resolvers.

/** Runs a store call; its `StoreRejection`s become BAD_USER_INPUT on the field given for their reason. */
export async function withInputErrors<T>(call: Promise<T>, fields: Partial<Record<StoreRejectionReason, string>>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    const field = error instanceof StoreRejection ? fields[error.reason] : undefined;
    if (field) throw badUserInput(field, error instanceof Error ? error.message : String(error));
    throw error;
  }
}

/** The plan named by the operation itself: NOT_FOUND when there is none. */
export async function existingPlan(store: Store, name: string, field: string): Promise<PlanRecord> {
  const plan = await store.getPlan({ name });
  if (!plan) throw notFound(field, `No plan named "${name}".`);
  return plan;
}

/** A plan an input refers to (a consumer's plan): a wrong one is bad input, not a missing target. */
export async function referencedPlan(store: Store, name: string, field: string): Promise<PlanRecord> {
  const plan = await store.getPlan({ name });
  if (!plan) throw badUserInput(field, `no plan named "${name}"`);
  return plan;
}

export async function existingConsumer(store: Store, name: string, field: string): Promise<ConsumerRecord> {
  const consumer = await store.getConsumer({ name });
  if (!consumer) throw notFound(field, `No consumer named "${name}".`);
  return consumer;
}

export async function existingApiKey(store: Store, id: string, field: string): Promise<ApiKeyRecord> {
  const key = await store.getApiKey(id);
  if (!key) throw notFound(field, `No API key with id "${id}".`);
  return key;
}

/**
 * Generates a key for `consumer` and stores its hash. The plaintext exists only
 * in the returned object, which the resolver sends back once; the log gets the prefix.
 */
export async function issueKey(
  { store, log }: AdminContext,
  consumer: ConsumerRecord,
  { label, expiresAt }: { label: string | null; expiresAt: Date | null },
): Promise<{ key: string; apiKey: ApiKeyRecord }> {
  const { key, prefix, keyHash } = generateApiKey();
  const apiKey = await store.insertApiKey({ consumerId: consumer.id, prefix, keyHash, label, expiresAt });
  log.info({ consumer: consumer.name, prefix, expiresAt }, 'API key issued');
  return { key, apiKey };
}

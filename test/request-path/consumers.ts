import { expect } from 'vitest';
import type { GraphQLResponse, RunningGatehouse } from '../helpers/gatehouse.js';

/** Plans, consumers and keys, set up the way operators do: through the admin API. */
export interface ConsumerAdmin {
  createPlan(name: string): Promise<void>;
  createConsumer(name: string, plan: string): Promise<void>;
  disableConsumer(name: string): Promise<void>;
  /** Returns the key's plaintext and id. */
  issueKey(consumer: string, expiresAt?: Date): Promise<{ key: string; id: string }>;
  revokeKey(id: string): Promise<void>;
  rotateKey(id: string, overlapSeconds: number): Promise<{ key: string; id: string }>;
}

export function consumerAdmin(gatehouse: RunningGatehouse): ConsumerAdmin {
  async function run<T>(query: string, variables: Record<string, unknown>): Promise<T> {
    const result = await gatehouse.admin<T>(query, variables);
    expect(result.body.errors).toBeUndefined();
    return result.body.data!;
  }
  type Issued = { key: string; apiKey: { id: string } };
  const issued = ({ key, apiKey }: Issued) => ({ key, id: apiKey.id });
  return {
    async createPlan(name) {
      await run('mutation($input: CreatePlanInput!) { createPlan(input: $input) { name } }', { input: { name } });
    },
    async createConsumer(name, plan) {
      await run('mutation($input: CreateConsumerInput!) { createConsumer(input: $input) { name } }', { input: { name, plan } });
    },
    async disableConsumer(name) {
      await run('mutation($input: UpdateConsumerInput!) { updateConsumer(input: $input) { disabled } }', { input: { name, disabled: true } });
    },
    async issueKey(consumer, expiresAt) {
      const data = await run<{ issueApiKey: Issued }>(
        'mutation($input: IssueApiKeyInput!) { issueApiKey(input: $input) { key apiKey { id } } }',
        { input: { consumer, expiresAt: expiresAt?.toISOString() } },
      );
      return issued(data.issueApiKey);
    },
    async revokeKey(id) {
      await run('mutation($id: ID!) { revokeApiKey(id: $id) { status } }', { id });
    },
    async rotateKey(id, overlapSeconds) {
      const data = await run<{ rotateApiKey: Issued }>(
        'mutation($input: RotateApiKeyInput!) { rotateApiKey(input: $input) { key apiKey { id } } }',
        { input: { id, overlapSeconds } },
      );
      return issued(data.rotateApiKey);
    },
  };
}

/**
 * Sends `request` until `done` holds for its response, or fails after `timeoutMs`. For changes that
 * take effect within a documented delay (a cache TTL, an expiry): waits for the change itself, as
 * briefly as possible, instead of sleeping for the whole delay.
 */
export async function pollUntil<T>(
  request: () => Promise<GraphQLResponse<T>>,
  done: (response: GraphQLResponse<T>) => boolean,
  { timeoutMs, intervalMs = 25 }: { timeoutMs: number; intervalMs?: number },
): Promise<{ response: GraphQLResponse<T>; elapsedMs: number }> {
  const started = performance.now();
  for (;;) {
    const response = await request();
    const elapsedMs = performance.now() - started;
    if (done(response)) return { response, elapsedMs };
    if (elapsedMs > timeoutMs) throw new Error(`no change within ${timeoutMs} ms; last response: ${JSON.stringify(response.body)}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

import { apiKeyStatus } from '../../consumers/api-keys.js';
import { StoreError } from '../../store/store-error.js';
import { consumerCursor } from '../../store/consumer-queries.js';
import type {
  ApiKeyResolvers,
  ConsumerConnectionResolvers,
  ConsumerEdgeResolvers,
  ConsumerResolvers,
} from '../__generated__/resolvers-types.js';

export const Consumer: ConsumerResolvers = {
  plan: async (consumer, _args, { store }) => {
    const plan = await store.getPlan({ id: consumer.planId });
    // consumers.plan_id is a foreign key: a consumer without its plan means a broken store.
    if (!plan) throw new StoreError(`Consumer "${consumer.name}" has no plan in the store.`);
    return plan;
  },
  apiKeys: (consumer, _args, { store }) => store.listApiKeys(consumer.id),
};

export const ApiKey: ApiKeyResolvers = {
  status: (key) => apiKeyStatus(key, new Date()),
  consumer: async (key, _args, { store }) => {
    const consumer = await store.getConsumer({ id: key.consumerId });
    if (!consumer) throw new StoreError(`API key ${key.prefix} has no consumer in the store.`);
    return consumer;
  },
};

export const ConsumerConnection: ConsumerConnectionResolvers = {
  edges: (page) => page.items,
  nodes: (page) => page.items,
  // Relay's meaning: the cursor of the last edge, also on the last page (the store's is null there).
  pageInfo: (page) => {
    const last = page.items.at(-1);
    return { endCursor: last ? consumerCursor(last) : null, hasNextPage: page.endCursor !== null };
  },
};

export const ConsumerEdge: ConsumerEdgeResolvers = {
  cursor: (consumer) => consumerCursor(consumer),
  node: (consumer) => consumer,
};

import type { ConsumerRecord, Page } from '../consumers/types.js';

/**
 * What resolvers hand to types that have no record of their own (codegen's
 * `mappers`). A `ConsumerEdge` is its consumer: the cursor comes from the name.
 */
export type ConsumerPage = Page<ConsumerRecord>;

import type { QueryResolvers } from '../../__generated__/resolvers-types.js';
import { versionOfGeneration } from '../../schema-version.js';

export const schema: NonNullable<QueryResolvers['schema']> = async (_parent, _args, { store, registry, served }) => {
  // Static mode stores nothing: describe the generation being served.
  if (!registry) return served.current ? versionOfGeneration(served.current) : null;
  const latest = await store.latestSchemaVersion();
  return latest?.apiSdl ? latest : null;
};

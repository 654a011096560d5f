import { CriticalityLevel, diff, type Change } from '@graphql-inspector/core';
import { buildSchema } from 'graphql';

export interface SchemaChange {
  type: string;
  criticality: 'BREAKING' | 'DANGEROUS' | 'SAFE';
  message: string;
  path: string | null;
}

const criticalityNames: Record<CriticalityLevel, SchemaChange['criticality']> = {
  [CriticalityLevel.Breaking]: 'BREAKING',
  [CriticalityLevel.Dangerous]: 'DANGEROUS',
  [CriticalityLevel.NonBreaking]: 'SAFE',
};

/** What a client of the public schema would see change between two API SDLs. */
export async function diffApiSchemas(beforeSdl: string | undefined, afterSdl: string): Promise<SchemaChange[]> {
  const after = buildSchema(afterSdl, { assumeValidSDL: true });
  // Before the first backend there is nothing to break: every type is new.
  const before = beforeSdl ? buildSchema(beforeSdl, { assumeValidSDL: true }) : buildSchema('type Query', { assumeValidSDL: true });
  const changes: Change[] = await diff(before, after);
  return changes.map((change) => ({
    type: change.type,
    criticality: criticalityNames[change.criticality.level],
    message: change.message,
    path: change.path ?? null,
  }));
}

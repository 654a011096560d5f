import { buildClientSchema, getIntrospectionQuery, printSchema, type IntrospectionQuery } from 'graphql';
import { askBackend, type DescriptionTransport, type Fetched } from '../ask-backend.js';

const INTROSPECTION_QUERY = getIntrospectionQuery({ descriptions: true });

/** Introspects a plain GraphQL service and prints its schema, so it is stored and rebuilt without asking again. */
export async function fetchGraphQLServiceSdl(url: string, transport: DescriptionTransport): Promise<Fetched<string>> {
  const answer = await askBackend(url, INTROSPECTION_QUERY, transport);
  if (!answer.ok) return answer;
  const data = (answer.value as { data?: IntrospectionQuery } | null)?.data;
  if (!data?.__schema) {
    return { ok: false, message: 'the backend did not answer the introspection query (is introspection disabled? give the SDL inline)' };
  }
  try {
    return { ok: true, value: printSchema(buildClientSchema(data)) };
  } catch (error) {
    return { ok: false, message: `its introspection result is not a valid schema: ${(error as Error).message}` };
  }
}

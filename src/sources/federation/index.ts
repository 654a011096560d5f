import { parse, type DocumentNode, type GraphQLError } from 'graphql';
import type { BackendBase, KindFields } from '../backend.js';
import { describeTransport } from '../ask-backend.js';
import { parseKindFields } from '../kind-fields.js';
import type { BuildOutcome, InputOutcome, PreparedSource, Resolved, Source, SourceRuntime } from '../types.js';
import { federationRegisterFields, federationUpdateFields, type FederationBackend } from './definition.js';
import { createSubgraphExecutor, endpointOf } from './executor.js';
import { fetchSubgraphSdl } from './sdl.js';

/** Apollo Federation subgraphs: composed from the SDL they describe themselves with (`_service { sdl }`). */
export const federationSource: Source<FederationBackend> = {
  kind: 'FEDERATION_SUBGRAPH',
  inputFields: { register: ['sdl'], update: ['sdl', 'refetchSdl'] },

  async resolve(base: BackendBase, fields: KindFields, runtime: SourceRuntime): Promise<InputOutcome<Resolved<FederationBackend>>> {
    const parsed = parseKindFields(federationRegisterFields, fields);
    if (!parsed.ok) return parsed;
    if (parsed.value.sdl != null) return ok({ ...base, kind: 'FEDERATION_SUBGRAPH', sdl: parsed.value.sdl, sdlSource: 'INLINE' });
    const fetched = await fetchSubgraphSdl(base.url, describeTransport(base, runtime));
    if (!fetched.ok) return { ok: false, field: 'url', message: `cannot fetch the SDL: ${fetched.message}` };
    return ok({ ...base, kind: 'FEDERATION_SUBGRAPH', sdl: fetched.value, sdlSource: 'INTROSPECTED' });
  },

  async resolvePatch(stored, fields, runtime) {
    const parsed = parseKindFields(federationUpdateFields, fields);
    if (!parsed.ok) return parsed;
    const { sdl, refetchSdl } = parsed.value;
    if (sdl != null) return { ok: true, value: (current) => ({ ...current, sdl, sdlSource: 'INLINE' }) };
    if (!refetchSdl) return { ok: true, value: (current) => current };
    const fetched = await fetchSubgraphSdl(stored.url, describeTransport(stored, runtime));
    if (!fetched.ok) return { ok: false, field: 'url', message: `cannot fetch the SDL: ${fetched.message}` };
    return { ok: true, value: (current) => ({ ...current, sdl: fetched.value, sdlSource: 'INTROSPECTED' }) };
  },

  prepare(backend, runtime) {
    let typeDefs: DocumentNode;
    try {
      typeDefs = parse(backend.sdl);
    } catch (error) {
      return invalidSdl(backend.name, error as GraphQLError);
    }
    return { ok: true, value: preparedSubgraph(backend, typeDefs, runtime) };
  },
};

function ok(backend: FederationBackend): InputOutcome<Resolved<FederationBackend>> {
  return { ok: true, value: { backend } };
}

function invalidSdl(name: string, error: GraphQLError): BuildOutcome<never> {
  return { ok: false, errors: [{ message: `The SDL of "${name}" does not parse: ${error.message}`, code: 'INVALID_GRAPHQL', backend: name }] };
}

function preparedSubgraph(backend: FederationBackend, typeDefs: DocumentNode, runtime: SourceRuntime): PreparedSource {
  return {
    name: backend.name,
    ownTypes: typeDefs,
    generated: false,
    linkRequests: [],
    load: () => ({
      ok: true,
      value: {
        name: backend.name,
        url: backend.url,
        typeDefs,
        executor: createSubgraphExecutor(endpointOf(backend, runtime), { dispatcher: runtime.dispatcher, log: runtime.log, tracing: runtime.tracing }),
      },
    }),
  };
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveSubgraph, type RunningSubgraph } from '../../subgraphs/lib/serve.js';
import { start as startQuestions, type RunningQuestionsService } from '../../subgraphs/questions/index.js';
import { start as startPricing, type RunningPricingService } from '../../subgraphs/rest-pricing/index.js';
import { REGISTER_BACKEND, startGatehouse, type RunningGatehouse } from '../helpers/gatehouse.js';
import { catalog } from '../gateway/fixtures.js';

const UPDATE = /* GraphQL */ `
  mutation Update($input: UpdateBackendInput!) { updateBackend(input: $input) { changed schema { version } backend { name timeoutMs prefix } } }
`;
const VERSION = '{ schema { version } }';

const restLink = { type: 'Product', field: 'pricing', operation: 'getPrice', arguments: [{ name: 'sku', fromField: 'upc' }] };
const graphqlLink = { type: 'Product', field: 'questions', rootField: 'questions', arguments: [{ name: 'productUpc', fromField: 'upc' }] };
const merge = [{ type: 'Product', rootField: 'productByUpc', keyField: 'upc', argument: 'upc' }];

/**
 * Each backend kind takes its own fields, on registration and on update alike, and refuses the
 * others with BAD_USER_INPUT naming the field; a refused write changes nothing.
 */
describe('per-kind input rules of registerBackend and updateBackend', () => {
  let gatehouse: RunningGatehouse;
  let catalogSubgraph: RunningSubgraph;
  let qa: RunningQuestionsService;
  let pricing: RunningPricingService;
  let pricingDocument: string;

  beforeAll(async () => {
    [catalogSubgraph, qa, pricing] = await Promise.all([serveSubgraph(catalog), startQuestions(), startPricing()]);
    pricingDocument = await (await fetch(pricing.openapiUrl)).text();
    gatehouse = await startGatehouse({ backends: [{ name: 'catalog', url: catalogSubgraph.url }] });
    for (const input of [
      { name: 'qa', kind: 'GRAPHQL', url: qa.url, prefix: 'qa' },
      // Inline: its document has no URL to fetch again.
      { name: 'pricing', kind: 'OPENAPI', url: pricing.url, openapi: pricingDocument },
    ]) {
      const registered = await gatehouse.admin(REGISTER_BACKEND, { input });
      expect(registered.body.errors).toBeUndefined();
    }
  });
  afterAll(async () => {
    await gatehouse?.close();
    await Promise.all([catalogSubgraph?.close(), qa?.close(), pricing?.close()]);
  });

  async function version(): Promise<number> {
    const result = await gatehouse.admin<{ schema: { version: number } }>(VERSION);
    return result.body.data!.schema.version;
  }

  function expectRefused(body: { errors?: Array<{ message: string; extensions?: Record<string, unknown> }> }, field: string, message: string | RegExp) {
    const error = body.errors?.[0];
    expect(error?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(error?.message).toMatch(typeof message === 'string' ? new RegExp(`^${field}: ${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) : message);
  }

  const federation = () => ({ name: 'fed-x', kind: 'FEDERATION_SUBGRAPH', url: catalogSubgraph.url });
  const graphql = () => ({ name: 'gql-x', kind: 'GRAPHQL', url: qa.url });
  const rest = () => ({ name: 'rest-x', kind: 'OPENAPI', url: pricing.url, openapi: pricing.openapiUrl });

  it.each([
    ['a federation subgraph with a prefix', () => ({ ...federation(), prefix: 'fed' }), 'input.prefix', 'is not available for FEDERATION_SUBGRAPH backends'],
    ['a federation subgraph with links', () => ({ ...federation(), links: [graphqlLink] }), 'input.links', 'is not available for FEDERATION_SUBGRAPH backends'],
    ['a federation subgraph with merge', () => ({ ...federation(), merge }), 'input.merge', 'is not available for FEDERATION_SUBGRAPH backends'],
    ['a federation subgraph with openapi', () => ({ ...federation(), openapi: pricing.openapiUrl }), 'input.openapi', 'is not available for FEDERATION_SUBGRAPH backends'],
    ['a federation subgraph with exposeErrors', () => ({ ...federation(), exposeErrors: true }), 'input.exposeErrors', 'is not available for FEDERATION_SUBGRAPH backends'],
    ['a GRAPHQL backend with openapi', () => ({ ...graphql(), openapi: pricing.openapiUrl }), 'input.openapi', 'is not available for GRAPHQL backends'],
    ['a GRAPHQL backend with exposeErrors', () => ({ ...graphql(), exposeErrors: true }), 'input.exposeErrors', 'is not available for GRAPHQL backends'],
    ['a GRAPHQL link calling an operation', () => ({ ...graphql(), links: [restLink] }), 'input.links.0.operation', 'GRAPHQL links call a rootField'],
    ['a GRAPHQL backend with a bad prefix', () => ({ ...graphql(), prefix: 'Not-Camel' }), 'input.prefix', 'must match'],
    ['an OPENAPI backend without a document', () => ({ name: 'rest-x', kind: 'OPENAPI', url: pricing.url }), 'input.openapi', 'is required for an OPENAPI backend'],
    ['an OPENAPI backend with sdl', () => ({ ...rest(), sdl: 'type Query { a: Int }' }), 'input.sdl', 'is not available for OPENAPI backends'],
    ['an OPENAPI backend with merge', () => ({ ...rest(), merge }), 'input.merge', 'is not available for OPENAPI backends'],
    ['an OPENAPI link calling a root field', () => ({ ...rest(), links: [graphqlLink] }), 'input.links.0.rootField', 'OPENAPI links call an operation'],
    ['a link without a target', () => ({ ...rest(), links: [{ type: 'Product', field: 'x', arguments: [{ name: 'sku', fromField: 'upc' }] }] }), 'input.links.0.operation', 'give exactly one of operation, rootField or batch'],
  ])('registration refuses %s', async (_label, input, field, message) => {
    const before = await version();
    const result = await gatehouse.admin(REGISTER_BACKEND, { input: input() });
    expectRefused(result.body, field, message);
    expect(await version()).toBe(before);
  });

  it.each([
    ['prefix on a federation subgraph', { name: 'catalog', prefix: 'cat' }, 'input.prefix', 'is not available for FEDERATION_SUBGRAPH backends'],
    ['links on a federation subgraph', { name: 'catalog', links: [graphqlLink] }, 'input.links', 'is not available for FEDERATION_SUBGRAPH backends'],
    ['merge on a federation subgraph', { name: 'catalog', merge }, 'input.merge', 'is not available for FEDERATION_SUBGRAPH backends'],
    ['openapi on a federation subgraph', { name: 'catalog', openapi: pricingDocumentPlaceholder() }, 'input.openapi', 'is not available for FEDERATION_SUBGRAPH backends'],
    ['exposeErrors on a federation subgraph', { name: 'catalog', exposeErrors: true }, 'input.exposeErrors', 'is not available for FEDERATION_SUBGRAPH backends'],
    ['openapi on a GRAPHQL backend', { name: 'qa', openapi: pricingDocumentPlaceholder() }, 'input.openapi', 'is not available for GRAPHQL backends'],
    ['exposeErrors on a GRAPHQL backend', { name: 'qa', exposeErrors: false }, 'input.exposeErrors', 'is not available for GRAPHQL backends'],
    ['an operation link on a GRAPHQL backend', { name: 'qa', links: [restLink] }, 'input.links.0.operation', 'GRAPHQL links call a rootField'],
    ['sdl on an OPENAPI backend', { name: 'pricing', sdl: 'type Query { a: Int }' }, 'input.sdl', 'is not available for OPENAPI backends'],
    ['merge on an OPENAPI backend', { name: 'pricing', merge }, 'input.merge', 'is not available for OPENAPI backends'],
    ['a root-field link on an OPENAPI backend', { name: 'pricing', links: [graphqlLink] }, 'input.links.0.rootField', 'OPENAPI links call an operation'],
    ['refetching an inline OpenAPI document', { name: 'pricing', refetchSdl: true }, 'input.refetchSdl', 'the OpenAPI document was given inline'],
    ['sdl together with refetchSdl', { name: 'qa', sdl: 'type Query { a: Int }', refetchSdl: true }, 'input.refetchSdl', 'cannot be combined with sdl'],
    ['openapi together with refetchSdl', { name: 'pricing', openapi: pricingDocumentPlaceholder(), refetchSdl: true }, 'input.refetchSdl', 'cannot be combined with openapi'],
    ['timeoutMs together with clearTimeout', { name: 'qa', timeoutMs: 100, clearTimeout: true }, 'input.clearTimeout', 'cannot be combined with timeoutMs'],
  ])('update refuses %s and changes nothing', async (_label, input, field, message) => {
    const before = await version();
    const result = await gatehouse.admin(UPDATE, { input });
    expectRefused(result.body, field, message);
    expect(await version()).toBe(before);
  });

  it('takes each kind\'s own fields on update', async () => {
    const qaUpdate = await gatehouse.admin(UPDATE, { input: { name: 'qa', prefix: 'ask' } });
    expect(qaUpdate.body.errors).toBeUndefined();
    expect(qaUpdate.body.data).toMatchObject({ updateBackend: { changed: true, backend: { prefix: 'ask' } } });
    expect((await gatehouse.query('{ ask_questions(productUpc: "1") { id } }')).body.errors).toBeUndefined();

    const restUpdate = await gatehouse.admin(UPDATE, { input: { name: 'pricing', exposeErrors: true, links: [restLink] } });
    expect(restUpdate.body.errors).toBeUndefined();
    // The catalog's upcs are unknown to the pricing service: each link call answers 404, at its own path.
    const linked = await gatehouse.query<{ products: Array<{ pricing: { sku: string } | null }> }>('{ products { upc pricing { sku } } }');
    expect(linked.body.data?.products.map((product) => product.pricing)).toEqual([null, null, null]);
    expect(linked.body.errors?.map((error) => [error.path, error.extensions?.code, error.extensions?.backend])).toEqual([
      [['products', 0, 'pricing'], 'BACKEND_BAD_REQUEST', 'pricing'],
      [['products', 1, 'pricing'], 'BACKEND_BAD_REQUEST', 'pricing'],
      [['products', 2, 'pricing'], 'BACKEND_BAD_REQUEST', 'pricing'],
    ]);
  });

  it('makes no new schema version for an update that changes nothing, and says so', async () => {
    const before = await version();
    for (const input of [{ name: 'catalog' }, { name: 'qa', prefix: 'ask' }, { name: 'catalog', url: catalogSubgraph.url }]) {
      const result = await gatehouse.admin(UPDATE, { input });
      expect(result.body.errors).toBeUndefined();
      expect(result.body.data).toMatchObject({ updateBackend: { changed: false, schema: { version: before } } });
    }
    expect(await version()).toBe(before);
    const changed = await gatehouse.admin(UPDATE, { input: { name: 'catalog', timeoutMs: 1234 } });
    expect(changed.body.data).toMatchObject({ updateBackend: { changed: true, schema: { version: before + 1 }, backend: { timeoutMs: 1234 } } });
  });
});

/** A syntactically valid document value; the rule refuses it before it is read. */
function pricingDocumentPlaceholder(): string {
  return '{"openapi":"3.0.3","info":{"title":"x","version":"1"},"paths":{}}';
}

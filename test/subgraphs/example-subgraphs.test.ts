import { getStitchedSchemaFromSupergraphSdl } from '@graphql-tools/federation';
import { composeServices, type CompositionSuccess } from '@theguild/federation-composition';
import { Kind, parse, type DocumentNode, type ObjectTypeDefinitionNode } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, startExampleSubgraphs, type RunningSubgraph } from '../../subgraphs/index.js';

interface GraphQLResponse<TData> {
  data?: TData;
  errors?: { message: string; extensions?: { code?: string } }[];
}

async function postGraphQL<TData>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
): Promise<GraphQLResponse<TData>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query, variables }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as GraphQLResponse<TData>;
}

let subgraphs: RunningSubgraph[] = [];

function subgraph(name: string): RunningSubgraph {
  const found = subgraphs.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`subgraph ${name} is not running`);
  return found;
}

async function fetchSdl(running: RunningSubgraph): Promise<string> {
  const { data, errors } = await postGraphQL<{ _service: { sdl: string } }>(running.url, '{ _service { sdl } }');
  expect(errors).toBeUndefined();
  return data!._service.sdl;
}

async function composeFromServers(): Promise<CompositionSuccess> {
  const services = await Promise.all(
    subgraphs.map(async (running) => ({ name: running.name, url: running.url, typeDefs: parse(await fetchSdl(running)) })),
  );
  const result = composeServices(services);
  expect(result.errors?.map((error) => error.message)).toBeUndefined();
  return result as CompositionSuccess;
}

function objectType(document: DocumentNode, name: string): ObjectTypeDefinitionNode | undefined {
  return document.definitions.find(
    (definition): definition is ObjectTypeDefinitionNode =>
      definition.kind === Kind.OBJECT_TYPE_DEFINITION && definition.name.value === name,
  );
}

beforeAll(async () => {
  subgraphs = await startExampleSubgraphs();
});

afterAll(() => closeAll(subgraphs));

describe('example subgraphs', () => {
  it('start in exampleSubgraphs order, each on its own port', () => {
    expect(subgraphs.map((running) => running.name)).toEqual(['accounts', 'products', 'reviews', 'inventory']);
    expect(new Set(subgraphs.map((running) => new URL(running.url).port)).size).toBe(4);
  });

  it.each([
    ['accounts', ['User']],
    ['products', ['Product', 'User']],
    ['reviews', ['Product', 'Review', 'User']],
    ['inventory', ['Product']],
  ])('%s answers { _service { sdl } } with a Federation v2.3 schema and its entities', async (name, entities) => {
    const sdl = await fetchSdl(subgraph(name));
    expect(sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.3"');
    const keyed = parse(sdl)
      .definitions.filter(
        (definition): definition is ObjectTypeDefinitionNode =>
          definition.kind === Kind.OBJECT_TYPE_DEFINITION &&
          (definition.directives ?? []).some((directive) => directive.name.value === 'key'),
      )
      .map((definition) => definition.name.value)
      .sort();
    expect(keyed).toEqual(entities);
  });

  it('compose into a supergraph in which inventory resolves Product.shippingEstimate from price and weight', async () => {
    const { supergraphDocumentNode, publicDocumentNode } = await composeFromServers();

    const publicFields = objectType(publicDocumentNode, 'Product')?.fields?.map((field) => field.name.value).sort();
    expect(publicFields).toEqual([
      'averageRating',
      'category',
      'createdBy',
      'inStock',
      'name',
      'price',
      'reviewCount',
      'reviews',
      'shippingEstimate',
      'stock',
      'upc',
      'weight',
    ]);

    const shippingEstimate = objectType(supergraphDocumentNode, 'Product')?.fields?.find(
      (field) => field.name.value === 'shippingEstimate',
    );
    const joinFields = (shippingEstimate?.directives ?? [])
      .filter((directive) => directive.name.value === 'join__field')
      .map((directive) =>
        Object.fromEntries(
          (directive.arguments ?? []).map((argument) => [
            argument.name.value,
            'value' in argument.value ? argument.value.value : undefined,
          ]),
        ),
      );
    expect(joinFields).toEqual([{ graph: 'INVENTORY', requires: 'price weight' }]);
  });

  it('inventory computes shippingEstimate from the price and weight products holds', async () => {
    const upcs = ['3', '5', '7', '8', '22'];
    const products = await postGraphQL<{ _entities: { upc: string; price: number; weight: number }[] }>(
      subgraph('products').url,
      'query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Product { upc price weight } } }',
      { representations: upcs.map((upc) => ({ __typename: 'Product', upc })) },
    );
    expect(products.errors).toBeUndefined();
    expect(products.data!._entities).toEqual([
      { upc: '3', price: 999, weight: 60 },
      { upc: '5', price: 1000, weight: 320 },
      { upc: '7', price: 850, weight: 390 },
      { upc: '8', price: 3200, weight: 120 },
      { upc: '22', price: 399, weight: 55 },
    ]);

    // What a gateway does for @requires: the representation carries the required fields.
    const inventory = await postGraphQL<{ _entities: unknown[] }>(
      subgraph('inventory').url,
      'query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Product { upc stock inStock shippingEstimate } } }',
      { representations: products.data!._entities.map((product) => ({ __typename: 'Product', ...product })) },
    );
    expect(inventory.errors).toBeUndefined();
    expect(inventory.data!._entities).toEqual([
      { upc: '3', stock: 240, inStock: true, shippingEstimate: 30 },
      // Exactly 1000 cents is not "above 1000": half a cent per gram applies.
      { upc: '5', stock: 57, inStock: true, shippingEstimate: 160 },
      { upc: '7', stock: 120, inStock: true, shippingEstimate: 195 },
      { upc: '8', stock: 0, inStock: false, shippingEstimate: 0 },
      // 55 g → 27.5 cents, rounded up.
      { upc: '22', stock: 200, inStock: true, shippingEstimate: 28 },
    ]);
  });

  it('inventory reports an error instead of an estimate when the representation lacks price and weight', async () => {
    const { data, errors } = await postGraphQL<{ _entities: unknown[] }>(
      subgraph('inventory').url,
      '{ _entities(representations: [{ __typename: "Product", upc: "3" }]) { ... on Product { stock shippingEstimate } } }',
    );
    expect(data).toEqual({ _entities: [null] });
    expect(errors?.map((error) => [error.message, error.extensions?.code])).toEqual([
      [
        'Product.shippingEstimate needs price and weight in the representation of product "3".',
        'MISSING_REQUIRED_FIELDS',
      ],
    ]);
  });

  it("reviews resolves a User representation to that user's reviews, with usernames matching accounts", async () => {
    const { data, errors } = await postGraphQL<{
      _entities: { reviews: { id: string; rating: number; product: { upc: string }; author: { id: string; username: string } }[] }[];
    }>(
      subgraph('reviews').url,
      `query ($representations: [_Any!]!) {
        _entities(representations: $representations) {
          ... on User { reviews { id rating product { upc } author { id username } } }
        }
      }`,
      {
        representations: [
          { __typename: 'User', id: 'u17' },
          { __typename: 'User', id: 'u20' },
        ],
      },
    );
    expect(errors).toBeUndefined();
    const quinn = { id: 'u17', username: 'quinn' };
    expect(data!._entities).toEqual([
      {
        reviews: [
          { id: 'r19', rating: 3, product: { upc: '4' }, author: quinn },
          { id: 'r36', rating: 4, product: { upc: '9' }, author: quinn },
          { id: 'r53', rating: 5, product: { upc: '14' }, author: quinn },
          { id: 'r65', rating: 2, product: { upc: '17' }, author: quinn },
        ],
      },
      // u20 exists in accounts but has written nothing.
      { reviews: [] },
    ]);

    // reviews @provides username from its own copy; it must agree with the owner.
    const accounts = await postGraphQL<{ user: { username: string } }>(
      subgraph('accounts').url,
      '{ user(id: "u17") { username } }',
    );
    expect(accounts.data?.user.username).toBe(quinn.username);
  });

  it('answer a query across all four subgraphs through a federation executor', async () => {
    const { supergraphSdl } = await composeFromServers();
    const gateway = createYoga({ schema: getStitchedSchemaFromSupergraphSdl({ supergraphSdl }), logging: false });
    const accounts = subgraph('accounts');
    const accountsRequestsBefore = accounts.requestCount;

    const withoutName = await gateway.fetch('http://gateway/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ topProducts(first: 2) { reviews { author { username } } } }' }),
    });
    expect(((await withoutName.json()) as GraphQLResponse<unknown>).errors).toBeUndefined();
    // @provides at work: usernames below Review.author come from reviews, not accounts.
    expect(accounts.requestCount).toBe(accountsRequestsBefore);

    const response = await gateway.fetch('http://gateway/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: `{
          topProducts(first: 5) {
            upc name price shippingEstimate inStock reviewCount
            reviews { author { username name } }
          }
        }`,
      }),
    });
    const { data, errors } = (await response.json()) as GraphQLResponse<{
      topProducts: { reviews: { author: { username: string; name: string } }[] }[];
    }>;
    expect(errors).toBeUndefined();
    expect(data!.topProducts.map(({ reviews, ...product }) => ({ ...product, firstAuthor: reviews[0]?.author }))).toEqual([
      { upc: '1', name: 'Trail Runner Backpack 22L', price: 8900, shippingEstimate: 0, inStock: true, reviewCount: 7, firstAuthor: { username: 'alice', name: 'Alice Moreau' } },
      { upc: '2', name: 'Espresso Tamper 58mm', price: 2400, shippingEstimate: 0, inStock: true, reviewCount: 3, firstAuthor: { username: 'alice', name: 'Alice Moreau' } },
      { upc: '3', name: 'USB-C Cable 2m', price: 999, shippingEstimate: 30, inStock: true, reviewCount: 4, firstAuthor: { username: 'efe', name: 'Efe Okonkwo' } },
      { upc: '4', name: 'Cast Iron Skillet 26cm', price: 4500, shippingEstimate: 0, inStock: true, reviewCount: 5, firstAuthor: { username: 'alice', name: 'Alice Moreau' } },
      { upc: '5', name: 'The Long Way Home (paperback)', price: 1000, shippingEstimate: 160, inStock: true, reviewCount: 3, firstAuthor: { username: 'hana.s', name: 'Hana Sato' } },
    ]);
    expect(data!.topProducts.map((product) => product.reviews.length)).toEqual([7, 3, 4, 5, 3]);
  });
});

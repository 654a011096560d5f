import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, print, visit } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usersById } from '../../subgraphs/accounts/data.js';
import { startExampleSubgraphs, type RunningExampleSubgraphs } from '../../subgraphs/index.js';
import { closeServer, listen } from '../../subgraphs/lib/serve.js';
import { shippingEstimateCents, stockByUpc } from '../../subgraphs/inventory/data.js';
import { products } from '../../subgraphs/products/data.js';
import { reviewsByProduct } from '../../subgraphs/reviews/data.js';
import { startGatehouse, type RunningGatehouse } from '../helpers/gatehouse.js';

/** Crosses all four subgraphs: products → inventory (@requires price weight) → reviews → accounts. */
const CROSSING_QUERY = /* GraphQL */ `
  query TopProducts($first: Int) {
    topProducts(first: $first) {
      upc
      name
      price
      shippingEstimate
      inStock
      reviews { body author { username name } }
    }
  }
`;

/** The expected answer, computed from the subgraphs' own data rather than written out. */
function expectedTopProducts(first: number) {
  return products.slice(0, first).map((product) => ({
    upc: product.upc,
    name: product.name,
    price: product.priceCents,
    shippingEstimate: shippingEstimateCents(product.priceCents, product.weightGrams),
    inStock: (stockByUpc.get(product.upc) ?? 0) > 0,
    reviews: (reviewsByProduct.get(product.upc) ?? []).map((review) => ({
      body: review.body,
      author: { username: usersById.get(review.authorId)!.username, name: usersById.get(review.authorId)!.name },
    })),
  }));
}

describe('the example graph', () => {
  let subgraphs: RunningExampleSubgraphs;

  beforeAll(async () => {
    subgraphs = await startExampleSubgraphs();
  });
  afterAll(async () => {
    await subgraphs?.[Symbol.asyncDispose]();
  });

  it('answers a query crossing all four subgraphs, registered through the admin API', async () => {
    await using gatehouse = await startGatehouse({ backends: subgraphs.map(({ name, url }) => ({ name, url })) });
    const result = await gatehouse.query(CROSSING_QUERY, { first: 5 });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ data: { topProducts: expectedTopProducts(5) } });
    // The same answer from the parse/validation cache.
    expect((await gatehouse.query(CROSSING_QUERY, { first: 5 })).body).toEqual(result.body);
  });

  describe('static mode (GATEHOUSE_SUPERGRAPH)', () => {
    let dir: string;
    let supergraphPath: string;
    let registryGatehouse: RunningGatehouse;
    let supergraphSdl: string;

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'gatehouse-static-'));
      supergraphPath = join(dir, 'supergraph.graphql');
      // A supergraph composed elsewhere: here, by a registry-mode Gatehouse's admin API.
      registryGatehouse = await startGatehouse({ backends: subgraphs.map(({ name, url }) => ({ name, url })) });
      const schema = await registryGatehouse.admin<{ schema: { supergraphSdl: string } }>('{ schema { supergraphSdl } }');
      supergraphSdl = schema.body.data!.schema.supergraphSdl;
      await writeFile(supergraphPath, supergraphSdl);
    });
    afterAll(async () => {
      await registryGatehouse?.close();
      await rm(dir, { recursive: true, force: true });
    });

    it('serves a supergraph file with the same answers, and reloads it when it changes', async () => {
      await using gatehouse = await startGatehouse({ env: { GATEHOUSE_SUPERGRAPH: supergraphPath, GATEHOUSE_SUPERGRAPH_POLL_MS: '3600000' } });
      const result = await gatehouse.query(CROSSING_QUERY, { first: 3 });
      expect(result.body).toEqual({ data: { topProducts: expectedTopProducts(3) } });

      // The registry is read-only in static mode.
      const write = await gatehouse.admin('mutation { removeBackend(name: "products") { removed } }');
      expect(write.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const schema = await gatehouse.admin<{ schema: { version: number; backends: string[] } }>('{ schema { version backends } }');
      expect(schema.body.data?.schema).toEqual({ version: 1, backends: ['accounts', 'inventory', 'products', 'reviews'] });

      // A new supergraph without the inventory subgraph's fields: served after the next poll.
      const withoutInventory = print(
        visit(parse(supergraphSdl), {
          FieldDefinition: (field) => (['inStock', 'stock', 'shippingEstimate'].includes(field.name.value) ? null : undefined),
        }),
      );
      await writeFile(supergraphPath, withoutInventory);
      await gatehouse.gatehouse.pollSupergraph?.();
      const after = await gatehouse.query('{ topProducts(first: 1) { upc shippingEstimate } }');
      expect(after.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect((await gatehouse.query('{ topProducts(first: 1) { upc } }')).body).toEqual({ data: { topProducts: [{ upc: '1' }] } });

      // A broken file is skipped: the last good supergraph keeps serving.
      await writeFile(supergraphPath, 'this is not a supergraph');
      await gatehouse.gatehouse.pollSupergraph?.();
      expect((await gatehouse.query('{ topProducts(first: 1) { upc } }')).body).toEqual({ data: { topProducts: [{ upc: '1' }] } });
    });

    it('serves a supergraph from an http URL', async () => {
      let requests = 0;
      const server = createServer((req, res) => {
        requests++;
        if (req.headers['if-none-match'] === '"v1"') return void res.writeHead(304).end();
        res.writeHead(200, { etag: '"v1"', 'content-type': 'text/plain' }).end(supergraphSdl);
      });
      await listen(server, 0, '127.0.0.1');
      try {
        const { port } = server.address() as AddressInfo;
        await using gatehouse = await startGatehouse({
          env: { GATEHOUSE_SUPERGRAPH: `http://127.0.0.1:${port}/supergraph.graphql`, GATEHOUSE_SUPERGRAPH_POLL_MS: '3600000' },
        });
        expect((await gatehouse.query(CROSSING_QUERY, { first: 2 })).body).toEqual({ data: { topProducts: expectedTopProducts(2) } });
        await gatehouse.gatehouse.pollSupergraph?.();
        expect(requests).toBe(2);
        expect(gatehouse.gatehouse.served.current?.version).toBe(1);
      } finally {
        await closeServer(server);
      }
    });
  });
});

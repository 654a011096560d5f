import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveSubgraph, type RunningSubgraph, type SubgraphDefinition } from '../../subgraphs/lib/serve.js';
import { startGatehouse, type GraphQLResponse, type RunningGatehouse } from '../helpers/gatehouse.js';
import { startJwtIssuer, type JwtIssuer } from '../helpers/jwt-issuer.js';
import { consumerAdmin } from './consumers.js';

const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key", "@authenticated", "@requiresScopes"])';

const users = [
  { id: '1', name: 'Ada', email: 'ada@example.com', secretCode: 'a-1', balance: 10 },
  { id: '2', name: 'Grace', email: 'grace@example.com', secretCode: 'g-2', balance: 20 },
];
const ARTICLE = { title: 'On gateways', draft: 'unpublished notes' };
let resets = 0;

const accounts: SubgraphDefinition = {
  name: 'accounts',
  typeDefs: /* GraphQL */ `
    ${LINK}
    type Query {
      publicInfo: String
      me: User @authenticated
      users: [User]!
      adminNote: String @requiresScopes(scopes: [["admin"], ["support", "read:notes"]])
      search: [SearchResult!]!
    }
    union SearchResult = User | Article
    type Article {
      title: String!
      draft: String @authenticated
    }
    type Mutation {
      resetEverything: Int @authenticated
    }
    type User @key(fields: "id") {
      id: ID!
      name: String!
      email: String @requiresScopes(scopes: [["read:email"]])
      secretCode: String! @authenticated
    }
  `,
  resolvers: {
    Query: {
      publicInfo: () => 'hello',
      me: () => users[0],
      users: () => users,
      adminNote: () => 'the note',
      search: () => [users[0], ARTICLE, users[1]],
    },
    SearchResult: { __resolveType: (value: object) => ('title' in value ? 'Article' : 'User') },
    Mutation: { resetEverything: () => ++resets },
    User: { __resolveReference: ({ id }: { id: string }) => users.find((user) => user.id === id) },
  },
};

const billing: SubgraphDefinition = {
  name: 'billing',
  typeDefs: /* GraphQL */ `
    ${LINK}
    type User @key(fields: "id") {
      id: ID!
      balance: Int @authenticated
    }
  `,
  resolvers: {
    User: { __resolveReference: ({ id }: { id: string }) => users.find((user) => user.id === id) },
  },
};

type Errors = NonNullable<GraphQLResponse['body']['errors']>;

/** The FORBIDDEN errors of a response, as `path → message`. */
function forbidden(response: GraphQLResponse): Array<{ path: string; message: string }> {
  const errors: Errors = response.body.errors ?? [];
  for (const error of errors) expect(error.extensions?.code).toBe('FORBIDDEN');
  return errors.map((error) => ({ path: (error.path ?? []).join('.'), message: error.message }));
}

describe('@authenticated and @requiresScopes', () => {
  let subgraphs: RunningSubgraph[];
  let issuer: JwtIssuer;
  let gatehouse: RunningGatehouse;
  let apiKey: string;
  const billingRequests = () => subgraphs[1]!.requestCount;

  const anonymous = (query: string, variables?: Record<string, unknown>) => gatehouse.query(query, variables);
  const withKey = (query: string) => gatehouse.query(query, undefined, { 'x-api-key': apiKey });
  const withScopes = async (scope: string, query: string) =>
    gatehouse.query(query, undefined, { authorization: `Bearer ${await issuer.sign({ sub: 'jwt-user', scope })}` });

  beforeAll(async () => {
    subgraphs = [await serveSubgraph(accounts), await serveSubgraph(billing)];
    issuer = await startJwtIssuer();
    gatehouse = await startGatehouse({ backends: subgraphs.map(({ name, url }) => ({ name, url })), env: issuer.env });
    const admin = consumerAdmin(gatehouse);
    await admin.createPlan('basic');
    await admin.createConsumer('app', 'basic');
    await admin.createConsumer('jwt-user', 'basic');
    apiKey = (await admin.issueKey('app')).key;
  });
  afterAll(async () => {
    await gatehouse?.close();
    await Promise.all([...(subgraphs ?? []).map((subgraph) => subgraph.close()), issuer?.close()]);
  });

  it('refuses an @authenticated field to anonymous callers and returns the rest of the data', async () => {
    const response = await anonymous('{ publicInfo me { name } }');
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual({ publicInfo: 'hello', me: null });
    expect(forbidden(response)).toEqual([{ path: 'me', message: 'Not authorized: Query.me requires an authenticated consumer.' }]);
  });

  it('allows @authenticated fields to API-key and JWT callers', async () => {
    for (const response of [await withKey('{ publicInfo me { name } }'), await withScopes('', '{ publicInfo me { name } }')]) {
      expect(response.body).toEqual({ data: { publicInfo: 'hello', me: { name: 'Ada' } } });
    }
  });

  it('removes refused fields from the operation: a subgraph that only serves them is not asked', async () => {
    const before = billingRequests();
    const response = await anonymous('{ users { id name balance } }');
    expect(response.body.data).toEqual({ users: users.map(({ id, name }) => ({ id, name, balance: null })) });
    // One error per place in the operation; `@` stands for every item of the list (Apollo's notation).
    expect(forbidden(response)).toEqual([{ path: 'users.@.balance', message: 'Not authorized: User.balance requires an authenticated consumer.' }]);
    expect(billingRequests()).toBe(before);

    const allowed = await withKey('{ users { id balance } }');
    expect(allowed.body).toEqual({ data: { users: users.map(({ id, balance }) => ({ id, balance })) } });
    expect(billingRequests()).toBeGreaterThan(before);
  });

  it('puts the null of a refused non-null field on the nearest nullable position', async () => {
    const response = await anonymous('{ publicInfo users { id secretCode } }');
    // User.secretCode is String!, the list items are nullable: each item becomes null.
    expect(response.body.data).toEqual({ publicInfo: 'hello', users: [null, null] });
    expect(forbidden(response)).toEqual([{ path: 'users.@.secretCode', message: expect.stringContaining('User.secretCode') }]);
  });

  it('never runs a refused mutation field', async () => {
    const before = resets;
    const response = await anonymous('mutation { resetEverything }');
    expect(response.body.data).toEqual({ resetEverything: null });
    expect(forbidden(response).map((error) => error.path)).toEqual(['resetEverything']);
    expect(resets).toBe(before);
    expect((await withKey('mutation { resetEverything }')).body).toEqual({ data: { resetEverything: before + 1 } });
  });

  it('finds refused fields inside fragments, and reports nothing for fields skipped by @skip/@include', async () => {
    const query = /* GraphQL */ `
      query($skipMe: Boolean!) { publicInfo ...Mine }
      fragment Mine on Query { me @skip(if: $skipMe) { ... on User { name } } }
    `;
    expect((await anonymous(query, { skipMe: true })).body).toEqual({ data: { publicInfo: 'hello' } });
    const refused = await anonymous(query, { skipMe: false });
    expect(refused.body.data).toEqual({ publicInfo: 'hello', me: null });
    expect(forbidden(refused).map((error) => error.path)).toEqual(['me']);
  });

  it('nulls a refused field under a fragment only on objects of that type', async () => {
    const query = '{ search { ... on User { name } ... on Article { title draft } } }';
    const response = await anonymous(query);
    expect(response.body.data).toEqual({ search: [{ name: 'Ada' }, { title: ARTICLE.title, draft: null }, { name: 'Grace' }] });
    expect(forbidden(response).map((error) => error.path)).toEqual(['search.@.draft']);
    expect((await withKey(query)).body).toEqual({ data: { search: [{ name: 'Ada' }, ARTICLE, { name: 'Grace' }] } });
  });

  it('reports only the outermost refused field', async () => {
    const response = await anonymous('{ me { name email secretCode } }');
    expect(response.body.data).toEqual({ me: null });
    expect(forbidden(response).map((error) => error.path)).toEqual(['me']);
  });

  describe('@requiresScopes: any one inner list, all scopes of it', () => {
    it('refuses a field to callers without the scope: anonymous, API keys (no scopes) and JWTs without it', async () => {
      const query = '{ users { name email } }';
      for (const response of [await anonymous(query), await withKey(query), await withScopes('read:notes', query)]) {
        expect(response.body.data).toEqual({ users: users.map(({ name }) => ({ name, email: null })) });
        expect(forbidden(response)).toEqual([{ path: 'users.@.email', message: 'Not authorized: User.email requires the scope read:email.' }]);
      }
    });

    it('allows a field to a JWT with the scope', async () => {
      const response = await withScopes('profile read:email', '{ users { name email } }');
      expect(response.body).toEqual({ data: { users: users.map(({ name, email }) => ({ name, email })) } });
    });

    it.each([
      ['admin', true],
      ['support read:notes', true],
      ['read:notes support other', true],
      ['support', false],
      ['read:notes', false],
      ['', false],
    ])('scopes "%s" → adminNote allowed: %s', async (scope, allowed) => {
      const response = await withScopes(scope, '{ publicInfo adminNote }');
      if (allowed) {
        expect(response.body).toEqual({ data: { publicInfo: 'hello', adminNote: 'the note' } });
      } else {
        expect(response.body.data).toEqual({ publicInfo: 'hello', adminNote: null });
        expect(forbidden(response)).toEqual([
          { path: 'adminNote', message: 'Not authorized: Query.adminNote requires the scopes admin, or support and read:notes.' },
        ]);
      }
    });
  });

  it('leaves introspection alone', async () => {
    const response = await anonymous('{ __type(name: "User") { fields { name } } }');
    expect(response.body.errors).toBeUndefined();
  });
});

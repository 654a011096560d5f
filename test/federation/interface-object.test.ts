import { afterAll, beforeAll, describe, it } from 'vitest';
import { expectData, federation2, startFederatedGraph, type FederatedGraph, type SubgraphDefinition } from './fixtures/graph.js';

// `accounts` owns the entity interface Account and its implementations; `billing` only
// sees Account as an @interfaceObject and never learns the concrete types.
const accountsData = [
  { __typename: 'User', id: 'a1', name: 'Ada', email: 'ada@example.com' },
  { __typename: 'Admin', id: 'a2', name: 'Root', level: 9 },
  { __typename: 'User', id: 'a3', name: 'Bob', email: 'bob@example.com' },
];
const plans: Record<string, string> = { a1: 'free', a2: 'enterprise', a3: 'pro' };
const findAccount = (id: string) => accountsData.find((account) => account.id === id);

const accounts: SubgraphDefinition = {
  name: 'accounts',
  typeDefs: /* GraphQL */ `
    ${federation2('@key')}
    type Query { accounts: [Account!]! }
    interface Account @key(fields: "id") {
      id: ID!
      name: String!
    }
    type User implements Account @key(fields: "id") {
      id: ID!
      name: String!
      email: String!
    }
    type Admin implements Account @key(fields: "id") {
      id: ID!
      name: String!
      level: Int!
    }
  `,
  resolvers: {
    Query: { accounts: () => accountsData },
    Account: {
      __resolveReference: (ref: { id: string }) => findAccount(ref.id),
      __resolveType: (account: { __typename: string }) => account.__typename,
    },
    User: { __resolveReference: (ref: { id: string }) => findAccount(ref.id) },
    Admin: { __resolveReference: (ref: { id: string }) => findAccount(ref.id) },
  },
};

const billing: SubgraphDefinition = {
  name: 'billing',
  typeDefs: /* GraphQL */ `
    ${federation2('@key', '@interfaceObject')}
    type Query { payingAccounts: [Account!]! }
    type Account @key(fields: "id") @interfaceObject {
      id: ID!
      plan: String!
    }
  `,
  resolvers: {
    Query: { payingAccounts: () => [{ id: 'a3' }, { id: 'a2' }] },
    Account: {
      __resolveReference: (ref: { id: string }) => ref,
      plan: (account: { id: string }) => plans[account.id],
    },
  },
};

describe('@interfaceObject', () => {
  let graph: FederatedGraph;
  beforeAll(async () => {
    graph = await startFederatedGraph([accounts, billing]);
  });
  afterAll(() => graph?.close());

  it('adds a field contributed by an @interfaceObject to every implementation', async () => {
    const response = await graph.query(/* GraphQL */ `
      { accounts { __typename id name plan ... on User { email } ... on Admin { level } } }
    `);
    expectData(response, {
      accounts: [
        { __typename: 'User', id: 'a1', name: 'Ada', plan: 'free', email: 'ada@example.com' },
        { __typename: 'Admin', id: 'a2', name: 'Root', plan: 'enterprise', level: 9 },
        { __typename: 'User', id: 'a3', name: 'Bob', plan: 'pro', email: 'bob@example.com' },
      ],
    });
  });

  it('resolves the concrete type of accounts returned by the @interfaceObject subgraph', async () => {
    const response = await graph.query(/* GraphQL */ `{ payingAccounts { __typename id plan } }`);
    expectData(response, {
      payingAccounts: [
        { __typename: 'User', id: 'a3', plan: 'pro' },
        { __typename: 'Admin', id: 'a2', plan: 'enterprise' },
      ],
    });
  });

  it('resolves interface and implementation fields of accounts returned by the @interfaceObject subgraph', async () => {
    const response = await graph.query(/* GraphQL */ `
      { payingAccounts { id name plan ... on User { email } ... on Admin { level } } }
    `);
    expectData(response, {
      payingAccounts: [
        { id: 'a3', name: 'Bob', plan: 'pro', email: 'bob@example.com' },
        { id: 'a2', name: 'Root', plan: 'enterprise', level: 9 },
      ],
    });
  });

  it('exposes Account as an interface in the API schema', async () => {
    const response = await graph.query(/* GraphQL */ `
      { __type(name: "Account") { kind fields { name } possibleTypes { name } } }
    `);
    expectData(response, {
      __type: {
        kind: 'INTERFACE',
        fields: [{ name: 'id' }, { name: 'name' }, { name: 'plan' }],
        possibleTypes: [{ name: 'User' }, { name: 'Admin' }],
      },
    });
  });
});

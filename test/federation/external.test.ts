import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectData, federation2, startFederatedGraph, type FederatedGraph, type SubgraphDefinition } from './fixtures/graph.js';

const users = [
  { id: 'u1', name: 'Grace', nickname: 'amazing', lastSeen: '2024-05-01' },
  { id: 'u2', name: 'Linus', nickname: 'penguin', lastSeen: '2024-06-30' },
];
const findUser = (id: string) => users.find((user) => user.id === id);

const profiles: SubgraphDefinition = {
  name: 'profiles',
  typeDefs: /* GraphQL */ `
    ${federation2('@key', '@shareable')}
    type Query { userById(id: ID!): User }
    type User @key(fields: "id") {
      id: ID!
      name: String! @shareable
      nickname: String!
    }
  `,
  resolvers: {
    Query: { userById: (_: unknown, { id }: { id: string }) => findUser(id) },
    User: { __resolveReference: (ref: { id: string }) => findUser(ref.id) },
  },
};

// `activity` declares User.name @external. It only knows a name where it provides it; anywhere
// else its resolver answers "never": a gateway that asks it for an external field shows up in the data.
const activity: SubgraphDefinition = {
  name: 'activity',
  typeDefs: /* GraphQL */ `
    ${federation2('@key', '@external', '@extends', '@provides', '@requires')}
    type Query {
      randomUser: User
      providedUser: User @provides(fields: "name")
    }
    type User @key(fields: "id") @extends {
      id: ID! @external
      name: String! @external
      lastSeen: String!
      greeting: String! @requires(fields: "name")
    }
  `,
  resolvers: {
    Query: {
      randomUser: () => ({ id: 'u1', lastSeen: '2024-05-01' }),
      providedUser: () => ({ id: 'u1', lastSeen: '2024-05-01', name: 'Grace' }),
    },
    User: {
      __resolveReference: (ref: { id: string; name?: string }) => ({ ...ref, lastSeen: findUser(ref.id)?.lastSeen }),
      name: (user: { name?: string }) => user.name ?? 'never',
      greeting: (user: { name?: string }) => `Hello, ${user.name ?? 'never'}`,
    },
  },
};

describe('@external', () => {
  let graph: FederatedGraph;
  beforeAll(async () => {
    graph = await startFederatedGraph([profiles, activity]);
  });
  afterAll(() => graph?.close());

  it('fetches an external field from its owner, not from the subgraph that declares it @external', async () => {
    const response = await graph.query(/* GraphQL */ `{ randomUser { id name lastSeen } }`);
    expectData(response, { randomUser: { id: 'u1', name: 'Grace', lastSeen: '2024-05-01' } });
  });

  it('answers an external field where it is provided', async () => {
    const response = await graph.query(/* GraphQL */ `{ providedUser { id name lastSeen } }`);
    expectData(response, { providedUser: { id: 'u1', name: 'Grace', lastSeen: '2024-05-01' } });
  });

  // @graphql-tools/stitch lost the @provides here (the provided field is also used by a @requires in
  // the same subgraph) and asked the owner once more; the query planner does not.
  it('does not ask the owner for a field the declaring subgraph provides', async () => {
    const { requests } = await graph.countRequests(() => graph.query(/* GraphQL */ `{ providedUser { id name lastSeen } }`));
    expect(requests).toEqual({ profiles: 0, activity: 1 });
  });

  it('resolves fields of an @extends type whose key is @external, starting from the owner', async () => {
    const response = await graph.query(/* GraphQL */ `{ userById(id: "u2") { id name nickname lastSeen } }`);
    expectData(response, { userById: { id: 'u2', name: 'Linus', nickname: 'penguin', lastSeen: '2024-06-30' } });
  });

  it('passes the owner\'s value of an external field to a @requires field', async () => {
    const response = await graph.query(/* GraphQL */ `
      { userById(id: "u2") { greeting } randomUser { greeting } }
    `);
    expectData(response, { userById: { greeting: 'Hello, Linus' }, randomUser: { greeting: 'Hello, Grace' } });
  });
});

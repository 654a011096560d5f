import { takeFirst } from '../lib/first.js';
import type { SubgraphResolvers } from '../lib/serve.js';
import { userOfConsumer, users, usersById, type UserRow } from './data.js';

export const resolvers: SubgraphResolvers = {
  Query: {
    // The gateway says whom it is asking for; the header is the gateway's alone (clients can't set it).
    me: (_: unknown, _args: unknown, context: { request: Request }): UserRow | undefined =>
      userOfConsumer(context.request.headers.get('x-gatehouse-consumer')),
    user: (_: unknown, args: { id: string }): UserRow | undefined => usersById.get(args.id),
    users: (_: unknown, args: { first?: number | null }): UserRow[] => takeFirst(users, args.first, 10),
  },
  User: {
    // An unknown id resolves to null, which the gateway reports as a missing entity.
    __resolveReference: (reference: { id: string }): UserRow | undefined => usersById.get(reference.id),
  },
};

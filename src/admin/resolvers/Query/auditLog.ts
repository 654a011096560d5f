import { auditCursor } from '../../../store/audit-queries.js';
import type { QueryResolvers } from '../../__generated__/resolvers-types.js';
import { withInputErrors } from '../../consumer-access.js';
import { parseAuditLogArgs } from '../../usage-inputs.js';

export const auditLog: NonNullable<QueryResolvers['auditLog']> = async (_parent, args, { store }) => {
  const page = await withInputErrors(store.audit.list(parseAuditLogArgs(args)), { 'bad-cursor': 'after' });
  return {
    edges: page.entries.map((entry) => ({ cursor: auditCursor(entry), node: entry })),
    nodes: page.entries,
    pageInfo: { endCursor: page.endCursor, hasNextPage: page.hasNextPage },
  };
};

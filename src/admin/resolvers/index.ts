import { GraphQLScalarType, Kind } from 'graphql';
import type { Resolvers } from '../__generated__/resolvers-types.js';
import { withAuditLog } from '../audit-mutations.js';
import { ApiKey, Consumer, ConsumerConnection, ConsumerEdge } from './consumer-types.js';
import { addTrustedDocuments } from './Mutation/addTrustedDocuments.js';
import { purgeResponseCache } from './Mutation/purgeResponseCache.js';
import { removeCachePolicy } from './Mutation/removeCachePolicy.js';
import { setCachePolicy } from './Mutation/setCachePolicy.js';
import { checkBackend } from './Mutation/checkBackend.js';
import { createConsumer } from './Mutation/createConsumer.js';
import { createPlan } from './Mutation/createPlan.js';
import { deleteConsumer } from './Mutation/deleteConsumer.js';
import { deletePlan } from './Mutation/deletePlan.js';
import { issueApiKey } from './Mutation/issueApiKey.js';
import { registerBackend } from './Mutation/registerBackend.js';
import { removeBackend } from './Mutation/removeBackend.js';
import { removeTrustedDocument } from './Mutation/removeTrustedDocument.js';
import { revokeApiKey } from './Mutation/revokeApiKey.js';
import { rotateApiKey } from './Mutation/rotateApiKey.js';
import { updateBackend } from './Mutation/updateBackend.js';
import { updateConsumer } from './Mutation/updateConsumer.js';
import { updatePlan } from './Mutation/updatePlan.js';
import { auditLog } from './Query/auditLog.js';
import { backend } from './Query/backend.js';
import { cachePolicies } from './Query/cachePolicies.js';
import { backends } from './Query/backends.js';
import { consumer } from './Query/consumer.js';
import { consumers } from './Query/consumers.js';
import { consumerUsage } from './Query/consumerUsage.js';
import { deprecatedFieldUsage } from './Query/deprecatedFieldUsage.js';
import { fieldUsage } from './Query/fieldUsage.js';
import { plan } from './Query/plan.js';
import { plans } from './Query/plans.js';
import { schema } from './Query/schema.js';
import { schemaVersions } from './Query/schemaVersions.js';
import { trustedDocuments } from './Query/trustedDocuments.js';
import { usage } from './Query/usage.js';
import { usageRecorder } from './Query/usageRecorder.js';
import { Backend, CachePolicy, SchemaVersion } from './types.js';

const DateTime = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  serialize: (value) => (value as Date).toISOString(),
  parseValue: (value) => new Date(String(value)),
  parseLiteral: (ast) => new Date(ast.kind === Kind.STRING ? ast.value : Number.NaN),
});

/** Audit entries' input and records: whatever JSON they hold, out only. */
const JSON = new GraphQLScalarType<unknown, unknown>({
  name: 'JSON',
  serialize: (value) => value,
  parseValue: (value) => value,
});

export const resolvers: Resolvers = {
  DateTime,
  JSON,
  Query: {
    backends,
    backend,
    schema,
    schemaVersions,
    plans,
    plan,
    consumers,
    consumer,
    trustedDocuments,
    usage,
    fieldUsage,
    deprecatedFieldUsage,
    consumerUsage,
    usageRecorder,
    auditLog,
    cachePolicies,
  },
  // Every mutation goes through the audit log, wrapped once here.
  Mutation: withAuditLog({
    registerBackend,
    updateBackend,
    removeBackend,
    checkBackend,
    createPlan,
    updatePlan,
    deletePlan,
    createConsumer,
    updateConsumer,
    deleteConsumer,
    issueApiKey,
    revokeApiKey,
    rotateApiKey,
    addTrustedDocuments,
    removeTrustedDocument,
    setCachePolicy,
    removeCachePolicy,
    purgeResponseCache,
  }),
  CachePolicy,
  Backend,
  SchemaVersion,
  Consumer,
  ConsumerConnection,
  ConsumerEdge,
  ApiKey,
};

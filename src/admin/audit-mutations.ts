import { GraphQLError, type GraphQLResolveInfo } from 'graphql';
import type { ApiKeyRecord } from '../consumers/types.js';
import { ErrorCode } from '../errors.js';
import type { MutationResolvers } from './__generated__/resolvers-types.js';
import type { AdminContext } from './context.js';

type Args = Record<string, unknown>;
type MutationFn = (parent: unknown, args: Args, context: AdminContext, info: GraphQLResolveInfo) => unknown;

/**
 * What the audit log knows about a mutation beyond its name and arguments: what it acts on, and
 * how to read that record before and after (from the store, not from the answer: a client's
 * selection may leave fields out, and an issued key must never reach the log).
 */
interface AuditedAction {
  target?: (args: Args) => string | null;
  /** The record as stored now (null: none); read before the mutation and again after it. */
  snapshot?: (context: AdminContext, args: Args) => Promise<unknown>;
  /** Instead of `snapshot` after the mutation, when the answer says what changed. */
  after?: (context: AdminContext, args: Args, result: unknown) => Promise<unknown>;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const inputField = (args: Args, field: string) => text((args['input'] as Args | undefined)?.[field]);
const named = (kind: string, name: string | undefined) => (name === undefined ? null : `${kind}:${name}`);

/** Everything of a key but its hash. */
const keyView = (key: ApiKeyRecord | undefined) => {
  if (!key) return null;
  const { keyHash: _keyHash, ...view } = key;
  return view;
};

const backend = (name: string | undefined) => async ({ store }: AdminContext) => (name === undefined ? null : ((await store.getBackend(name)) ?? null));
const plan = (name: string | undefined) => async ({ store }: AdminContext) => (name === undefined ? null : ((await store.getPlan({ name })) ?? null));
const consumer = (name: string | undefined) => async ({ store }: AdminContext) => {
  const record = name === undefined ? undefined : await store.getConsumer({ name });
  if (!record) return null;
  return { ...record, plan: (await store.getPlan({ id: record.planId }))?.name ?? null };
};
const apiKey = (id: string | undefined) => async ({ store }: AdminContext) => (id === undefined ? null : keyView(await store.getApiKey(id)));

const ACTIONS: Partial<Record<keyof MutationResolvers, AuditedAction>> = {
  registerBackend: { target: (args) => named('backend', inputField(args, 'name')), snapshot: (context, args) => backend(inputField(args, 'name'))(context) },
  updateBackend: { target: (args) => named('backend', inputField(args, 'name')), snapshot: (context, args) => backend(inputField(args, 'name'))(context) },
  removeBackend: { target: (args) => named('backend', text(args['name'])), snapshot: (context, args) => backend(text(args['name']))(context) },
  // A dry run: nothing changes, so no record before or after.
  checkBackend: { target: (args) => named('backend', inputField(args, 'name')) },
  createPlan: { target: (args) => named('plan', inputField(args, 'name')), snapshot: (context, args) => plan(inputField(args, 'name'))(context) },
  updatePlan: { target: (args) => named('plan', inputField(args, 'name')), snapshot: (context, args) => plan(inputField(args, 'name'))(context) },
  deletePlan: { target: (args) => named('plan', text(args['name'])), snapshot: (context, args) => plan(text(args['name']))(context) },
  createConsumer: { target: (args) => named('consumer', inputField(args, 'name')), snapshot: (context, args) => consumer(inputField(args, 'name'))(context) },
  updateConsumer: { target: (args) => named('consumer', inputField(args, 'name')), snapshot: (context, args) => consumer(inputField(args, 'name'))(context) },
  deleteConsumer: { target: (args) => named('consumer', text(args['name'])), snapshot: (context, args) => consumer(text(args['name']))(context) },
  issueApiKey: {
    target: (args) => named('consumer', inputField(args, 'consumer')),
    after: async (_context, _args, result) => keyView((result as { apiKey: ApiKeyRecord }).apiKey),
  },
  revokeApiKey: { target: (args) => named('apiKey', text(args['id'])), snapshot: (context, args) => apiKey(text(args['id']))(context) },
  rotateApiKey: {
    target: (args) => named('apiKey', inputField(args, 'id')),
    snapshot: (context, args) => apiKey(inputField(args, 'id'))(context),
    after: async (context, args, result) => ({
      rotated: await apiKey(inputField(args, 'id'))(context),
      issued: keyView((result as { apiKey: ApiKeyRecord }).apiKey),
    }),
  },
  addTrustedDocuments: { after: async (_context, _args, result) => ({ hashes: result }) },
  removeTrustedDocument: {
    target: (args) => named('trustedDocument', text(args['hash'])),
    snapshot: async ({ store }, args) => {
      const hash = text(args['hash']);
      return (hash && (await store.getTrustedDocument(hash))) || null;
    },
  },
};

function codeOf(error: unknown): string {
  const code = error instanceof GraphQLError ? error.extensions?.['code'] : undefined;
  return typeof code === 'string' ? code : ErrorCode.INTERNAL_SERVER_ERROR;
}

/**
 * Every admin mutation, audited: the wrapper goes round each resolver once, here, so a new
 * mutation is recorded without anything in its own file (with its arguments, and a target and
 * before/after once it is added to `ACTIONS`). The entry is written after the mutation, with `ok`
 * or the error code it answered with; the error itself goes on to the client unchanged.
 */
export function withAuditLog(mutations: MutationResolvers<AdminContext>): MutationResolvers<AdminContext> {
  const audited: Record<string, MutationFn> = {};
  for (const [action, resolver] of Object.entries(mutations)) {
    const run = (typeof resolver === 'function' ? resolver : (resolver as { resolve: unknown }).resolve) as MutationFn;
    const spec = ACTIONS[action as keyof MutationResolvers] ?? {};
    audited[action] = async (parent, args, context, info) => {
      const { audit } = context;
      if (!audit) return run(parent, args, context, info);
      const entry = { actor: context.adminActor ?? 'admin token', action, target: spec.target?.(args) ?? null, requestId: context.requestId, input: args };
      // Read before the arguments are checked (the resolver does that): a malformed id must still
      // get the resolver's own answer, so a failed read is noted in the entry, not thrown.
      const before = spec.snapshot
        ? await spec.snapshot(context, args).catch((error: unknown) => {
            context.log.debug({ err: error, action }, 'record before an admin mutation could not be read for the audit log');
            return { unavailable: true };
          })
        : null;
      try {
        const result = await run(parent, args, context, info);
        let after: unknown = null;
        try {
          after = spec.after ? await spec.after(context, args, result) : spec.snapshot ? await spec.snapshot(context, args) : null;
        } catch (error) {
          // The mutation is done: its answer goes out, and the entry says the record could not be read.
          context.log.warn({ err: error, action }, 'record after an admin mutation could not be read for the audit log');
          after = { unavailable: true };
        }
        await audit.record({ ...entry, before, after, result: 'ok' });
        return result;
      } catch (error) {
        await audit.record({ ...entry, before, after: null, result: codeOf(error) });
        throw error;
      }
    };
  }
  return audited as MutationResolvers<AdminContext>;
}

import DataLoader from 'dataloader';
import { getNamedType, getNullableType, isListType, type GraphQLField } from 'graphql';
import { backendBadResponse } from '../../errors.js';
import type { LinkDefinition } from '../fields.js';
import type { LinkTargetOutcome } from '../in-process/links.js';
import { perFetch } from '../in-process/subgraph.js';
import type { OpenApiMapping, RestOperation } from './mapping.js';

/**
 * The operation a REST link calls. Calls are de-duplicated per fetch (one call per distinct
 * argument set), or, with a batch operation, sent as lists of keys of at most `maxBatchSize`
 * (`GET /prices?skus=a,b,c`), answered in key order.
 */
export function restLinkTarget(backend: string, link: LinkDefinition, mapping: OpenApiMapping): LinkTargetOutcome {
  const operationId = link.batch?.operation ?? link.operation ?? '';
  const operation = mapping.operations.get(operationId);
  const field = operation && rootField(mapping, operation);
  if (!operation || !field) return { ok: false, reason: `the backend has no operation "${operationId}"` };
  const unknown = [...Object.keys(link.arguments), ...(link.batch ? [link.batch.argument] : [])].filter(
    (name) => !field.args.some((arg) => arg.name === name),
  );
  if (unknown.length) return { ok: false, reason: `operation "${operationId}" has no argument ${unknown.map((n) => `"${n}"`).join(', ')}` };

  const { batch } = link;
  if (!batch) {
    return {
      ok: true,
      target: {
        fieldType: String(getNullableType(field.type)),
        load: (args, context, info) =>
          perFetch(context, info.fieldNodes[0]!, () => singleCallLoader(operation, context.gateway)).load(JSON.stringify(args)),
      },
    };
  }
  if (!isListType(getNullableType(field.type))) return { ok: false, reason: `batch operation "${operationId}" does not return a list` };
  if (Object.keys(link.arguments).length !== 1 || link.arguments[batch.argument] === undefined) {
    return { ok: false, reason: `a batch link takes exactly one argument, "${batch.argument}"` };
  }
  return {
    ok: true,
    target: {
      fieldType: getNamedType(field.type).name,
      // Keyed by the operation alone: the batch's answer holds whole objects, whatever is selected.
      load: (args, context) => perFetch(context, operation, () => batchCallLoader(backend, operation, batch, context.gateway)).load(args[batch.argument]),
    },
  };
}

function rootField(mapping: OpenApiMapping, operation: RestOperation): GraphQLField<unknown, unknown> | undefined {
  const type = operation.rootType === 'Query' ? mapping.schema.getQueryType() : mapping.schema.getMutationType();
  return type?.getFields()[operation.fieldName];
}

/**
 * A failed call is that key's error (DataLoader takes an Error in the results as one key's failure).
 * Loaders live in one fetch of one gateway request, whose context (`gateway`) says whom calls are for.
 */
function singleCallLoader(operation: RestOperation, gateway: unknown): DataLoader<string, unknown> {
  return new DataLoader<string, unknown>((keys) =>
    Promise.all(keys.map((key) => operation.call(JSON.parse(key) as Record<string, unknown>, gateway).catch((error: unknown) => error))),
  );
}

function batchCallLoader(backend: string, operation: RestOperation, batch: NonNullable<LinkDefinition['batch']>, gateway: unknown): DataLoader<unknown, unknown> {
  return new DataLoader<unknown, unknown>(
    async (keys) => {
      const answer = await operation.call({ [batch.argument]: keys }, gateway);
      // An answer that is not one item per key, in order, cannot be matched to the keys.
      if (!Array.isArray(answer) || answer.length !== keys.length) return keys.map(() => backendBadResponse(backend));
      return answer;
    },
    { maxBatchSize: batch.maxBatchSize, cacheKeyFn: (key) => JSON.stringify(key) },
  );
}

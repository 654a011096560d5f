import { isAsyncIterable } from '@graphql-tools/utils';
import {
  getDirectiveValues,
  getVariableValues,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  type DocumentNode,
  type ExecutionArgs,
  type FieldNode,
  type SelectionNode,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { forbidden, forbiddenField } from '../../errors.js';
import type { GatehouseContext } from '../context.js';
import { refusal, type AccessRule, type Caller } from './field-authorization/access-rules.js';
import { guardedSelections, type GuardedOperation, type GuardedSelection } from './field-authorization/guarded-selections.js';
import { redactResult, withoutFields } from './field-authorization/redact.js';

export interface FieldAuthorizationOptions {
  /** Redacted documents kept per (document, operation), one per distinct set of refused fields. @default 16 */
  variantsPerDocument?: number;
}

interface Refusals {
  /** Refused fields, removed from the document. */
  fields: Set<FieldNode>;
  /** One FORBIDDEN error and a null each: refused, executed (not skipped) and not inside another refused field. */
  reported: Array<{ selection: GuardedSelection; message: string }>;
  /** Every place of a refused field, to clean up after. */
  removed: GuardedSelection[];
}

/**
 * Enforces `@authenticated` and `@requiresScopes` (Federation 2.5, composed into the served
 * schema) on `context.consumer`: a refused field is removed from the operation before anything is
 * sent to a backend, and answers null with a `FORBIDDEN` error at its path (`@` standing for every
 * item of a list), while the rest of the data is returned. Needs `useConsumerAuth` before it.
 */
export function useFieldAuthorization({ variantsPerDocument = 16 }: FieldAuthorizationOptions = {}): Plugin<GatehouseContext> {
  // Redacted documents keep a stable identity per set of refused fields, so later plugins' caches
  // keyed on the document keep working; small, and freed with the guarded operation.
  const variants = new WeakMap<GuardedOperation, Map<string, DocumentNode>>();
  const redactedDocument = (guarded: GuardedOperation, document: DocumentNode, fields: Set<FieldNode>): DocumentNode => {
    let byKey = variants.get(guarded);
    if (!byKey) variants.set(guarded, (byKey = new Map()));
    const key = guarded.selections.flatMap((selection, index) => (fields.has(selection.node) ? [index] : [])).join(',');
    let redacted = byKey.get(key);
    if (!redacted) {
      redacted = withoutFields(document, fields);
      if (byKey.size >= variantsPerDocument) byKey.delete(byKey.keys().next().value!);
      byKey.set(key, redacted);
    }
    return redacted;
  };

  return {
    onExecute({ args }) {
      const guarded = guardedSelections(args.schema, args.document, args.operationName);
      if (!guarded) return;
      const refusals = refusalsFor(guarded, callerOf(args.contextValue), args);
      if (!refusals) return;
      args.document = redactedDocument(guarded, args.document, refusals.fields);
      const errors = refusals.reported.map(({ selection, message }) =>
        forbiddenField(`Not authorized: ${message}`, selection.path.map((step) => step.key)),
      );
      const reported = refusals.reported.map(({ selection }) => selection);
      return {
        onExecuteDone({ result, setResult }) {
          if (isAsyncIterable(result)) {
            // Incremental delivery is not served; a redacted stream never goes out without its errors.
            setResult({ data: null, errors });
            return;
          }
          const data = redactResult(result.data, reported, refusals.removed);
          const allErrors = [...errors, ...(result.errors ?? [])];
          // Everything refused may have been skipped (@skip/@include): then there is nothing to report.
          setResult(allErrors.length ? { ...result, data, errors: allErrors } : { ...result, data });
        },
      };
    },
    // A subscription can't be answered in part: a refused field refuses all of it.
    onSubscribe({ args, setResultAndStopExecution }) {
      const guarded = guardedSelections(args.schema, args.document, args.operationName);
      const refusals = guarded && refusalsFor(guarded, callerOf(args.contextValue), args);
      if (refusals) setResultAndStopExecution({ errors: [forbidden(`Not authorized: ${refusals.reported[0]?.message ?? 'a field is refused.'}`)] });
    },
  };
}

function callerOf(context: GatehouseContext): Caller {
  const consumer = context.consumer;
  // No consumer means authentication did not run: treated as anonymous, never as trusted.
  return { authenticated: !!consumer && consumer.via !== 'anonymous', scopes: new Set(consumer?.scopes ?? []) };
}

type VariableArgs = Pick<ExecutionArgs, 'schema' | 'variableValues'>;

function refusalsFor(guarded: GuardedOperation, caller: Caller, args: VariableArgs): Refusals | undefined {
  const verdicts = new Map<AccessRule, string | undefined>();
  const refusedAt: Array<string | undefined> = [];
  let refusals: Refusals | undefined;
  let variables: { values: Record<string, unknown> | undefined } | undefined;
  for (const [index, selection] of guarded.selections.entries()) {
    if (!verdicts.has(selection.rule)) verdicts.set(selection.rule, refusal(selection.rule, caller));
    const message = verdicts.get(selection.rule);
    refusedAt[index] = message;
    if (message === undefined) continue;
    refusals ??= { fields: new Set(), reported: [], removed: [] };
    refusals.fields.add(selection.node);
    refusals.removed.push(selection);
    if (isInsideRefused(guarded, selection, refusedAt)) continue;
    if (selection.conditions.length) {
      // Coerced once, and only when a refused field depends on @skip/@include.
      variables ??= { values: coerceVariables(guarded, args) };
      const values = variables.values;
      if (values && !selection.conditions.every((node) => isIncluded(node, values))) continue;
    }
    refusals.reported.push({ selection, message });
  }
  return refusals;
}

/** Selections are collected parents first, so the enclosing ones already have a verdict. */
function isInsideRefused(guarded: GuardedOperation, selection: GuardedSelection, refusedAt: ReadonlyArray<string | undefined>): boolean {
  for (let index = selection.enclosing; index !== undefined; index = guarded.selections[index]!.enclosing) {
    if (refusedAt[index] !== undefined) return true;
  }
  return false;
}

/** Undefined when the variables don't coerce: execution will report that, and every refusal is reported meanwhile. */
function coerceVariables(guarded: GuardedOperation, args: VariableArgs): Record<string, unknown> | undefined {
  return getVariableValues(args.schema, guarded.operation.variableDefinitions ?? [], args.variableValues ?? {}).coerced;
}

function isIncluded(node: SelectionNode, variables: Record<string, unknown>): boolean {
  if (getDirectiveValues(GraphQLSkipDirective, node, variables)?.['if'] === true) return false;
  return getDirectiveValues(GraphQLIncludeDirective, node, variables)?.['if'] !== false;
}

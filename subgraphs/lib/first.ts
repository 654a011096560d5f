import { GraphQLError } from 'graphql';

/**
 * The first `first` items of a list, for `first: Int = N` arguments. An explicit `null` means the
 * default, as if the argument had been left out.
 */
export function takeFirst<T>(items: readonly T[], first: number | null | undefined, defaultFirst: number): T[] {
  const count = first ?? defaultFirst;
  if (count < 0) {
    throw new GraphQLError(`Argument "first" must be 0 or more, got ${count}.`, {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return items.slice(0, count);
}

/** The admin API's endpoint on the page's own origin: the only place the page sends requests to. */
export const ADMIN_ENDPOINT = '/admin/graphql';

export interface GraphQLErrorLike {
  message: string;
  path?: ReadonlyArray<string | number>;
  extensions?: { code?: string };
}

/** What went wrong, as the page tells the user: a refused token, or an API that failed to answer. */
export class AdminApiError extends Error {
  constructor(
    message: string,
    readonly kind: 'unauthorized' | 'failed',
    /** The gateway's `x-request-id`, to find the request in its log. */
    readonly requestId: string | undefined,
  ) {
    super(message);
    this.name = 'AdminApiError';
  }
}

export interface AdminAnswer<TData> {
  data: TData;
  /** Errors beside data: the fields they name are null, the rest is usable. */
  errors: GraphQLErrorLike[];
}

interface GraphQLBody<TData> {
  data?: TData | null;
  errors?: GraphQLErrorLike[];
}

/** POSTs operations to the admin API with the admin token. */
export class AdminApi {
  constructor(private readonly token: string) {}

  async request<TData>(query: string, variables: Record<string, unknown> = {}, signal?: AbortSignal): Promise<AdminAnswer<TData>> {
    let response: Response;
    try {
      response = await fetch(ADMIN_ENDPOINT, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
          authorization: `Bearer ${this.token}`,
        },
        body: JSON.stringify({ query, variables }),
        cache: 'no-store',
        credentials: 'omit',
        signal,
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new AdminApiError(`The admin API could not be reached (${error instanceof Error ? error.message : String(error)}).`, 'failed', undefined);
    }
    const requestId = response.headers.get('x-request-id') ?? undefined;
    let body: GraphQLBody<TData>;
    try {
      body = (await response.json()) as GraphQLBody<TData>;
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new AdminApiError(`The admin API answered HTTP ${response.status} without a GraphQL result.`, 'failed', requestId);
    }
    const errors = body.errors ?? [];
    if (response.status === 401 || errors.some((error) => error.extensions?.code === 'UNAUTHENTICATED')) {
      throw new AdminApiError('The admin API refused this token (HTTP 401). Enter the admin token (GATEHOUSE_ADMIN_TOKEN).', 'unauthorized', requestId);
    }
    if (!body.data) {
      const reasons = errors.map((error) => error.message).join(' ') || 'no data';
      throw new AdminApiError(`The admin API failed (HTTP ${response.status}): ${reasons}`, 'failed', requestId);
    }
    return { data: body.data, errors };
  }
}

import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../helpers/otlp-receiver.js';
import { RECORDING_REST_OPENAPI, serveRecordingRest, serveRecordingSubgraph, type RecordingBackend } from '../helpers/traced-backends.js';
import { REGISTER_BACKEND, startGatehouse, type RunningGatehouse } from '../helpers/gatehouse.js';
import { shopProducts, shopReviews, TOP_REVIEWS } from './fixtures.js';

const SERVER = 2;
const CLIENT = 3;
const hex = (bytes: number) => randomBytes(bytes).toString('hex');

describe('tracing: OpenTelemetry spans exported over OTLP/HTTP', () => {
  let receiver: OtlpReceiver;
  let products: RecordingBackend;
  let reviews: RecordingBackend;
  let rest: RecordingBackend;
  let gatehouse: RunningGatehouse;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    [products, reviews, rest] = await Promise.all([serveRecordingSubgraph(shopProducts), serveRecordingSubgraph(shopReviews), serveRecordingRest()]);
    gatehouse = await startGatehouse({
      backends: [
        { name: products.name, url: products.url },
        { name: reviews.name, url: reviews.url },
      ],
      env: {
        GATEHOUSE_OTLP_ENDPOINT: receiver.url,
        OTEL_SERVICE_NAME: 'gatehouse-under-test',
        OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20otlp-secret-token',
      },
    });
    const registered = await gatehouse.admin(REGISTER_BACKEND, { input: { name: rest.name, kind: 'OPENAPI', url: rest.url, openapi: RECORDING_REST_OPENAPI } });
    expect(registered.body.errors).toBeUndefined();
  });
  afterAll(async () => {
    await gatehouse?.close();
    await Promise.all([products?.close(), reviews?.close(), rest?.close(), receiver?.close()]);
  });

  /** Every span of one trace, once its server span has arrived (flushed first, waited for with a deadline). */
  async function traceOf(traceId: string): Promise<ReceivedSpan[]> {
    await gatehouse.gatehouse.flushTraces();
    const spans = await receiver.waitFor((all) => all.some((span) => span.traceId === traceId && span.kind === SERVER));
    return spans.filter((span) => span.traceId === traceId);
  }

  const childrenOf = (spans: ReceivedSpan[], parent: ReceivedSpan) => spans.filter((span) => span.parentSpanId === parent.spanId);
  const one = (spans: ReceivedSpan[], name: string) => {
    const found = spans.filter((span) => span.name === name);
    expect(found.map((span) => span.name), `spans named ${name}`).toEqual([name]);
    return found[0]!;
  };

  it('continues the caller’s trace: request → parse, validate, execute → plan and a fetch per subgraph → its HTTP request', async () => {
    const traceId = hex(16);
    const callerSpanId = hex(8);
    const productsBefore = products.requests.length;
    const reviewsBefore = reviews.requests.length;
    const result = await gatehouse.query(TOP_REVIEWS, undefined, { traceparent: `00-${traceId}-${callerSpanId}-01` });
    expect(result.body).toEqual({ data: { topProducts: [{ name: 'Kettle', reviews: [{ body: 'review of 1' }] }, { name: 'Teapot', reviews: [{ body: 'review of 2' }] }] } });

    const spans = await traceOf(traceId);
    const request = one(spans, 'POST /graphql');
    expect(request).toMatchObject({ kind: SERVER, parentSpanId: callerSpanId });
    expect(request.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.route': '/graphql',
      'http.response.status_code': 200,
      'graphql.operation.name': 'TopReviews',
      'graphql.operation.type': 'query',
      'gatehouse.plan': 'test-unlimited',
    });
    expect(request.resource['service.name']).toBe('gatehouse-under-test');

    const phases = childrenOf(spans, request);
    expect(phases.map((span) => span.name).sort()).toEqual(['graphql.execute', 'graphql.parse', 'graphql.validate']);
    const execute = one(phases, 'graphql.execute');
    expect(execute.attributes).toMatchObject({ 'graphql.operation.name': 'TopReviews', 'graphql.operation.type': 'query' });

    const underExecute = childrenOf(spans, execute);
    expect(underExecute.map((span) => span.name).sort()).toEqual(['gatehouse.plan', 'subgraph.fetch shop-products', 'subgraph.fetch shop-reviews']);

    for (const backend of [products, reviews]) {
      const fetch = one(underExecute, `subgraph.fetch ${backend.name}`);
      expect(fetch).toMatchObject({ kind: CLIENT, attributes: { 'gatehouse.backend': backend.name } });
      const [http, ...more] = childrenOf(spans, fetch);
      expect(more).toEqual([]);
      expect(http).toMatchObject({
        name: 'POST',
        kind: CLIENT,
        attributes: { 'http.request.method': 'POST', 'http.response.status_code': 200, 'url.full': backend.url, 'gatehouse.backend': backend.name },
      });
      // The backend got the trace, with the HTTP span as its parent.
      const sent = backend.requests.slice(backend === products ? productsBefore : reviewsBefore);
      expect(sent.map((entry) => entry.headers.traceparent)).toEqual([`00-${traceId}-${http!.spanId}-01`]);
    }
    // A fetch ends before the request does, and inside it.
    for (const span of spans) {
      expect(BigInt(span.startTimeUnixNano) >= BigInt(request.startTimeUnixNano), span.name).toBe(true);
      expect(BigInt(span.endTimeUnixNano) <= BigInt(request.endTimeUnixNano), span.name).toBe(true);
    }
  });

  it('starts a new trace without an incoming traceparent; a cached plan is no planning, so no plan span', async () => {
    const before = new Set(receiver.spans.map((span) => span.traceId));
    await gatehouse.query(TOP_REVIEWS);
    await gatehouse.gatehouse.flushTraces();
    const spans = await receiver.waitFor((all) => all.some((span) => span.kind === SERVER && span.name === 'POST /graphql' && !before.has(span.traceId)));
    const request = spans.find((span) => span.kind === SERVER && span.name === 'POST /graphql' && !before.has(span.traceId))!;
    expect(request.parentSpanId).toBeUndefined();
    const ofRequest = spans.filter((span) => span.traceId === request.traceId);
    expect(ofRequest.some((span) => span.name.startsWith('subgraph.fetch'))).toBe(true);
    expect(ofRequest.some((span) => span.name === 'gatehouse.plan')).toBe(false);
  });

  it('traces REST calls too, and sends their traceparent to the REST service', async () => {
    const traceId = hex(16);
    const before = rest.requests.length;
    const result = await gatehouse.query('query Item { items_getItem(id: "7") { id label } }', undefined, { traceparent: `00-${traceId}-${hex(8)}-01` });
    expect(result.body).toEqual({ data: { items_getItem: { id: '7', label: 'item 7' } } });
    const spans = await traceOf(traceId);
    const fetch = one(spans, 'subgraph.fetch items');
    const [http] = childrenOf(spans, fetch);
    expect(http).toMatchObject({ name: 'GET', kind: CLIENT, attributes: { 'url.full': `${rest.url}/items/7`, 'http.response.status_code': 200 } });
    expect(rest.requests.slice(before).map((entry) => entry.headers.traceparent)).toEqual([`00-${traceId}-${http!.spanId}-01`]);
  });

  it('marks a failing backend call as an error, with its code', async () => {
    const traceId = hex(16);
    await using down = await serveRecordingSubgraph({
      name: 'flaky',
      typeDefs: 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"]) type Query { flaky: String }',
      resolvers: { Query: { flaky: () => 'ok' } },
    });
    const registered = await gatehouse.admin(REGISTER_BACKEND, { input: { name: 'flaky', kind: 'FEDERATION_SUBGRAPH', url: down.url } });
    expect(registered.body.errors).toBeUndefined();
    await down.close();
    const result = await gatehouse.query('{ flaky }', undefined, { traceparent: `00-${traceId}-${hex(8)}-01` });
    expect(result.body.errors?.[0]?.extensions?.code).toBe('BACKEND_UNAVAILABLE');
    const spans = await traceOf(traceId);
    const fetch = one(spans, 'subgraph.fetch flaky');
    expect(fetch.statusCode).toBe(2);
    expect(fetch.attributes['gatehouse.error_codes']).toEqual(['BACKEND_UNAVAILABLE']);
    expect(childrenOf(spans, fetch)[0]).toMatchObject({ name: 'POST', statusCode: 2, attributes: { 'error.type': 'BACKEND_UNAVAILABLE' } });
    expect(one(spans, 'POST /graphql').attributes['gatehouse.error_codes']).toEqual(['BACKEND_UNAVAILABLE']);
    await gatehouse.admin('mutation { removeBackend(name: "flaky") { removed } }');
  });

  it('traces admin requests, and sends the OTLP headers it was configured with', async () => {
    const traceId = hex(16);
    await gatehouse.admin('query Backends { backends { name } }', undefined, { traceparent: `00-${traceId}-${hex(8)}-01` });
    const spans = await traceOf(traceId);
    expect(one(spans, 'POST /admin/graphql').attributes).toMatchObject({ 'gatehouse.endpoint': 'admin', 'graphql.operation.name': 'Backends' });
    expect(receiver.requestHeaders.at(-1)?.authorization).toBe('Bearer otlp-secret-token');
  });

  it('with tracing off, sends no traceparent to backends, not even the caller’s', async () => {
    await using plain = await startGatehouse({ backends: [{ name: products.name, url: products.url }, { name: reviews.name, url: reviews.url }] });
    const before = products.requests.length;
    const exported = receiver.spans.length;
    const result = await plain.query(TOP_REVIEWS, undefined, { traceparent: `00-${hex(16)}-${hex(8)}-01` });
    expect(result.body.errors).toBeUndefined();
    const sent = products.requests.slice(before);
    expect(sent.length).toBe(1);
    expect(sent[0]!.headers.traceparent).toBeUndefined();
    expect(sent[0]!.headers.tracestate).toBeUndefined();
    // Nothing to flush: no tracer exists.
    await plain.gatehouse.flushTraces();
    expect(receiver.spans.length).toBe(exported);
  });
});

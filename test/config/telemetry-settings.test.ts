import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/load.js';

function issuesOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('telemetry settings', () => {
  it('defaults: metrics on the main port, access lines at info, tracing off', () => {
    expect(loadConfig({}).telemetry).toEqual({
      metrics: { port: undefined, host: '0.0.0.0', maxOperations: 100 },
      accessLog: 'info',
      tracing: undefined,
    });
  });

  it('turns tracing on with an endpoint: Gatehouse’s name first, then the SDK’s standard ones', () => {
    expect(loadConfig({ GATEHOUSE_OTLP_ENDPOINT: 'http://collector:4318/' }).telemetry.tracing).toEqual({
      tracesUrl: 'http://collector:4318/v1/traces',
      headers: {},
      timeoutMs: 10_000,
      serviceName: 'gatehouse',
      sampleRatio: 1,
    });
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otlp.example.com' }).telemetry.tracing?.tracesUrl).toBe('https://otlp.example.com/v1/traces');
    expect(loadConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://otlp.example.com/custom/path' }).telemetry.tracing?.tracesUrl).toBe('https://otlp.example.com/custom/path');
    expect(
      loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://a.example.com', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://b.example.com/t' }).telemetry.tracing?.tracesUrl,
    ).toBe('https://b.example.com/t');
    expect(loadConfig({ GATEHOUSE_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://b.example.com/t' }).telemetry.tracing?.tracesUrl).toBe(
      'http://a:4318/v1/traces',
    );
    expect(loadConfig({ GATEHOUSE_OTLP_ENDPOINT: 'http://a:4318', OTEL_SDK_DISABLED: 'true' }).telemetry.tracing).toBeUndefined();
  });

  it('reads OTLP headers in the spec’s key=value form, percent-decoded, traces-specific ones winning', () => {
    const config = loadConfig({
      GATEHOUSE_OTLP_ENDPOINT: 'http://a:4318',
      OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Bearer%20abc,x-team=edge',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-team=traces',
      OTEL_SERVICE_NAME: 'gatehouse-eu',
      GATEHOUSE_TRACE_SAMPLE_RATIO: '0.25',
    });
    expect(config.telemetry.tracing).toMatchObject({ headers: { authorization: 'Bearer abc', 'x-team': 'traces' }, serviceName: 'gatehouse-eu', sampleRatio: 0.25 });
  });

  it('refuses bad OTLP headers without echoing them (a secret)', () => {
    const issues = issuesOf({ GATEHOUSE_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_HEADERS: 'just-a-token-s3cr3t' });
    expect(issues).toEqual(['OTEL_EXPORTER_OTLP_HEADERS: comma-separated key=value pairs (key1=value1,key2=value2) (value not shown: secret)']);
  });

  it.each([
    [{ GATEHOUSE_OTLP_ENDPOINT: 'ftp://collector' }, /^GATEHOUSE_OTLP_ENDPOINT: /],
    [{ GATEHOUSE_TRACE_SAMPLE_RATIO: '2' }, /^GATEHOUSE_TRACE_SAMPLE_RATIO: /],
    [{ GATEHOUSE_ACCESS_LOG: 'loud' }, /^GATEHOUSE_ACCESS_LOG: true, false, info, debug or trace/],
    [{ GATEHOUSE_METRICS_PORT: '4000' }, /^GATEHOUSE_METRICS_PORT: must differ from PORT/],
    [{ GATEHOUSE_METRICS_MAX_OPERATIONS: '0' }, /^GATEHOUSE_METRICS_MAX_OPERATIONS: /],
  ])('names the bad setting: %j', (env, pattern) => {
    const issues = issuesOf(env);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(pattern);
  });

  it('maps the access log and metrics switches', () => {
    expect(loadConfig({ GATEHOUSE_ACCESS_LOG: 'false' }).telemetry.accessLog).toBe(false);
    expect(loadConfig({ GATEHOUSE_ACCESS_LOG: 'true' }).telemetry.accessLog).toBe('info');
    expect(loadConfig({ GATEHOUSE_ACCESS_LOG: 'debug' }).telemetry.accessLog).toBe('debug');
    expect(loadConfig({ GATEHOUSE_METRICS: 'false' }).telemetry.metrics).toBeUndefined();
    expect(loadConfig({ GATEHOUSE_METRICS_PORT: '9464', HOST: '10.0.0.5' }).telemetry.metrics).toEqual({ port: 9464, host: '10.0.0.5', maxOperations: 100 });
    expect(loadConfig({ GATEHOUSE_METRICS_PORT: '9464', GATEHOUSE_METRICS_HOST: '127.0.0.1' }).telemetry.metrics?.host).toBe('127.0.0.1');
  });
});

import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/**
 * Which folders may import which: the data flows request path → graph → sources, admin →
 * registry → store, and nothing below reaches back up. `from` lists what `target` must not import.
 */
const layers = [
  { target: './src/config', from: './src', except: ['./config'], message: 'config depends on nothing but its schema' },
  { target: './src/net', from: ['./src/config', './src/consumers', './src/sources', './src/store', './src/graph', './src/http', './src/request-path', './src/admin', './src/gatehouse.ts', './src/main.ts'], message: 'net/ is the bottom layer' },
  { target: './src/consumers', from: ['./src/store', './src/graph', './src/sources', './src/request-path', './src/admin', './src/http'], message: 'domain types import no layer' },
  { target: './src/sources', from: ['./src/graph', './src/store', './src/admin', './src/request-path', './src/http', './src/consumers'], message: 'sources never import the registry, store or servers' },
  { target: './src/store', from: ['./src/graph', './src/admin', './src/request-path', './src/http', './src/net'], message: 'the store imports nothing above it' },
  { target: './src/cluster', from: ['./src/graph', './src/admin', './src/request-path', './src/http'], message: 'cluster/ connects instances (Redis, change feeds) and knows no server or graph' },
  { target: './src/graph', from: ['./src/admin', './src/request-path', './src/http'], message: 'the graph knows no server' },
  { target: './src/http', from: ['./src/admin', './src/request-path', './src/store', './src/sources', './src/dashboard'], message: 'http/ is shared by both servers and knows neither' },
  { target: './src/request-path', from: ['./src/admin', './src/sources', './src/net'], message: 'the request path reaches state only through graph/ and its interfaces' },
  {
    target: './src/request-path',
    from: './src/cluster',
    // The change feed's contract (what instances tell each other), not its transports.
    except: ['./change-feed.ts'],
    message: 'the request path hears other instances only through the change feed contract',
  },
  {
    target: './src/request-path',
    from: './src/store',
    // The budget interfaces (and their in-memory implementations), as the rate-limit plugin spends them.
    except: ['./counters/budget.ts', './counters/rate-limiter.ts', './counters/quota-counter.ts'],
    message: 'the request path reaches the store only through the counters interfaces',
  },
  { target: './src/admin', from: ['./src/request-path'], message: 'the admin API never imports the public path' },
  {
    target: './src/telemetry',
    from: ['./src/admin', './src/request-path', './src/store', './src/sources', './src/http'],
    message: 'telemetry observes through the engine\'s tracing channels and small interfaces; it imports no server, store or source',
  },
  { target: './src/usage', from: ['./src/admin', './src/request-path', './src/http'], message: 'usage records know no server: the request path appends, the admin API asks' },
  { target: './src/audit', from: ['./src/admin', './src/request-path', './src/http', './src/graph'], message: 'the audit log knows no server: the admin API writes and reads it' },
  {
    target: './src/dashboard',
    from: ['./src/admin', './src/request-path', './src/store', './src/sources', './src/graph', './src/usage', './src/audit', './src/cluster', './src/consumers', './src/telemetry', './src/gatehouse.ts', './src/main.ts'],
    message: 'the dashboard is a page over the admin API: it serves files and reads no state itself',
  },
  {
    target: './src/dashboard/client',
    from: './src',
    except: ['./dashboard/client'],
    message: 'browser code: it reaches the gateway only over HTTP, through the admin API',
  },
  { target: './subgraphs', from: './src', message: 'example backends are independent of Gatehouse' },
];

/** What the dashboard's browser code must not do: everything from the API is shown as text. */
const markupSinks = [
  { selector: "MemberExpression[property.name=/^(innerHTML|outerHTML)$/]", message: 'Build elements with dom.ts (text nodes), never from markup strings.' },
  { selector: "CallExpression[callee.property.name=/^(insertAdjacentHTML|write|writeln|createContextualFragment)$/]", message: 'Build elements with dom.ts (text nodes), never from markup strings.' },
];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'src/admin/__generated__/', '.gatehouse/', '.proto/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
    },
  },
  {
    files: ['src/**/*.ts', 'subgraphs/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })] },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: layers }],
      'import-x/no-cycle': ['error', { maxDepth: 10 }],
    },
  },
  {
    // Migrations see the database as it was, not as today's types describe it (Kysely's convention).
    files: ['src/store/migrations/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The dashboard's page: runs in the browser, bundled by esbuild (src/dashboard/bundle.ts). Its
    // globals are the DOM's, which its own tsconfig (lib DOM, no Node types) checks.
    files: ['src/dashboard/client/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['node:*'], message: 'browser code has no Node.js modules' }] }],
      'no-restricted-syntax': ['error', ...markupSinks],
    },
  },
  {
    files: ['scripts/**', 'bench/**', 'subgraphs/serve.ts'],
    rules: { 'no-console': 'off' },
  },
);

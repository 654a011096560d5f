import type * as GraphiQLModule from '@graphql-yoga/render-graphiql/graphiql';
import type { GraphiQLOptions } from 'graphql-yoga';

type GraphiQLAssets = typeof GraphiQLModule;

let assets: Promise<GraphiQLAssets> | undefined;
/**
 * GraphiQL's script, styles and workers, imported the first time a page is asked for: the module
 * is ~9 MB of source holding ~10 MB of strings, ~30 MB of heap that a gateway nobody opens in a
 * browser (and one under load, whose old space grows in proportion to what is live) never pays.
 */
const graphiqlAssets = () => (assets ??= import('@graphql-yoga/render-graphiql/graphiql'));

/** Headers GraphiQL's headers tab starts with, by name. */
export type GraphiQLHeaders = Record<string, string>;

export interface GraphiQLPageOptions {
  /** The page's `<title>` and the name next to the logo. */
  title: string;
  /**
   * Prefix of what this page keeps in the browser's localStorage (tabs, headers, history).
   * Both endpoints share one origin: without it, each page would open the other's tabs and headers.
   */
  storageNamespace: string;
  /** Shown in the editor when the visitor has no tabs stored from an earlier visit. */
  defaultQuery?: string;
  /**
   * Headers the headers tab starts with, asked each time the page is served (the demo issues its
   * key after the server started). They are written into the page: never a secret, except where
   * the operator put it there on purpose, as the demo does.
   */
  headers: () => GraphiQLHeaders;
}

export interface GraphiQLPage {
  /** Yoga's `graphiql` option: the page's options, per request. */
  options: () => GraphiQLOptions;
  /** Yoga's `renderGraphiQL` option. */
  render: (options: GraphiQLOptions) => Promise<string>;
}

/**
 * GraphiQL served by the gateway itself. Yoga's default page loads GraphiQL's script, styles and
 * editor workers from a CDN (blank without internet, and the version it asks for may not exist on
 * the registry you can reach); `@graphql-yoga/render-graphiql` (the same version as graphql-yoga)
 * ships them as strings, which this page carries inline, the workers started from blob URLs, so
 * the browser asks nothing of any other host. Its GraphiQL also honours `defaultQuery` (the CDN's
 * 4.x put its welcome comment in the editor whatever `defaultQuery` said).
 *
 * The page is about 9 MB; it is rendered again only when its options change.
 */
export function createGraphiQLPage({ title, storageNamespace, defaultQuery, headers }: GraphiQLPageOptions): GraphiQLPage {
  let rendered: { key: string; html: string } | undefined;
  return {
    options: () => ({ title, defaultQuery, headers: JSON.stringify(headers(), null, 2) }),
    async render(options) {
      const key = JSON.stringify(options);
      if (rendered?.key !== key) rendered = { key, html: renderPage(await graphiqlAssets(), options, storageNamespace) };
      return rendered.html;
    },
  };
}

/** JSON that can sit inside a `<script>`: no `</script>` (or `<!--`) can end it early. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (char) => `&#${char.charCodeAt(0)};`);
}

function renderPage({ css, editorWorkerService, favicon, graphqlWorker, js, jsonWorker }: GraphiQLAssets, options: GraphiQLOptions, storageNamespace: string): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>${escapeHtml(options.title ?? 'GraphiQL')}</title>
    <link rel="icon" href="${favicon}" />
    <style>${css}</style>
  </head>
  <body id="body" class="no-focus-outline">
    <noscript>GraphiQL needs JavaScript.</noscript>
    <div id="root"></div>
    <script>
      (function () {
        function workerUrl(source) {
          return URL.createObjectURL(new Blob([source], { type: 'application/javascript' }));
        }
        var workers = {
          editorWorkerService: workerUrl(${scriptJson(editorWorkerService)}),
          json: workerUrl(${scriptJson(jsonWorker)}),
          graphql: workerUrl(${scriptJson(graphqlWorker)}),
        };
        self.MonacoEnvironment = { globalAPI: false, getWorkerUrl: function (_moduleId, label) { return workers[label]; } };
      })();
    </script>
    <script>${js}</script>
    <script>
      (function () {
        var prefix = ${scriptJson(`${storageNamespace}:`)};
        function ownKeys() {
          return Object.keys(localStorage).filter(function (key) { return key.indexOf(prefix) === 0; });
        }
        var storage = {
          getItem: function (key) { return localStorage.getItem(prefix + key); },
          setItem: function (key, value) { localStorage.setItem(prefix + key, value); },
          removeItem: function (key) { localStorage.removeItem(prefix + key); },
          clear: function () { ownKeys().forEach(function (key) { localStorage.removeItem(key); }); },
          get length() { return ownKeys().length; },
        };
        var options = ${scriptJson(options)};
        options.storage = storage;
        YogaGraphiQL.renderYogaGraphiQL(document.getElementById('root'), options);
      })();
    </script>
  </body>
</html>
`;
}

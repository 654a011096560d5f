import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../log.js';
import type { Metrics } from './metrics.js';

/** `GET /metrics`: the Prometheus text exposition. No authentication: see the README's *Metrics*. */
export function metricsHandler(metrics: Metrics, log: Logger): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' });
      res.end('Method Not Allowed\n');
      return;
    }
    metrics.render().then(
      ({ contentType, body }) => {
        res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      (error: unknown) => {
        log.error({ err: error }, 'rendering metrics failed');
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('Internal Server Error\n');
      },
    );
  };
}

/** A server of its own for /metrics (`GATEHOUSE_METRICS_PORT`), so it need not face consumers. */
export class MetricsServer {
  readonly #server: Server;

  constructor(handler: (req: IncomingMessage, res: ServerResponse) => void) {
    this.#server = createServer((req, res) => {
      if (req.url?.split('?', 1)[0] === '/metrics') return handler(req, res);
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('Not Found: metrics are at /metrics\n');
    });
  }

  /** Resolves with the base URL, e.g. `http://127.0.0.1:9464`. */
  listen(port: number, host: string): Promise<string> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => {
        this.#server.off('error', reject);
        const address = this.#server.address() as AddressInfo;
        const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
        resolve(`http://${shown.includes(':') ? `[${shown}]` : shown}:${address.port}`);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.#server.listening) return resolve();
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }
}

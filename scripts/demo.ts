/**
 * `npm run demo`: the demo (scripts/start-demo.ts) on the ports the README's examples use:
 * Gatehouse on 4000 (`PORT`), the example services on 4001–4006 (`SUBGRAPHS_BASE_PORT`).
 */
import { ConfigError } from '../src/config/load.js';
import { startDemo } from './start-demo.js';

async function main(): Promise<void> {
  const demo = await startDemo({ env: process.env, subgraphsBasePort: Number(process.env.SUBGRAPHS_BASE_PORT ?? 4001) });
  const column = '\n                               ';
  console.log(`
Gatehouse demo is running.

  GraphiQL (federated graph)   ${demo.url}/graphql
      header: { "x-api-key": "${demo.demoKey}" }   (already in GraphiQL's headers tab;
      without it you are anonymous: 20000 cost points a minute)
  Admin GraphiQL               ${demo.url}/admin/graphql
      header: { "Authorization": "Bearer ${demo.adminToken}" }   (already in its headers tab)
  Dashboard                    ${demo.url}/admin   (opens with the demo admin token)
  In a shell                   export GATEHOUSE_ADMIN_TOKEN=${demo.adminToken}
  Backends                     ${demo.services.map((service) => `${service.name.padEnd(10)} ${service.url}`).join(column)}
  OpenAPI document             ${demo.openapiUrl}

Press Ctrl+C to stop.`);

  const stop = () => void demo.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});

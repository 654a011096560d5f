import { setFlagsFromString } from 'node:v8';
import { ConfigError, loadConfig } from './config/load.js';
import { createGatehouse } from './gatehouse.js';
import { createLogger } from './log.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const log = createLogger(config.logLevel);
  if (config.heapGrowingPercent > 0) setFlagsFromString(`--heap-growing-percent=${config.heapGrowingPercent}`);
  const gatehouse = await createGatehouse(config, log);
  const url = await gatehouse.listen();
  if (gatehouse.generatedAdminToken) {
    // Printed once, outside the logs: only its hash is stored.
    process.stdout.write(
      `\nGenerated admin token (shown once, store it now):\n  ${gatehouse.generatedAdminToken}\n` +
        `Use it as: Authorization: Bearer <token> on ${url}/admin/graphql\n\n`,
    );
  }
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      gatehouse.close().then(
        () => process.exit(0),
        (error: unknown) => {
          log.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`gatehouse failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

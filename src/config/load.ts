import { readFileSync } from 'node:fs';
import { configSchema, toGatehouseConfig, type GatehouseConfig } from './schema.js';

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((issue) => `  - ${issue}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads the settings once: the optional JSON file named by `GATEHOUSE_CONFIG`,
 * then the environment, which wins. Throws a `ConfigError` naming every bad
 * setting; nothing else in Gatehouse reads `process.env`.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<GatehouseConfig> {
  const fromFile = env.GATEHOUSE_CONFIG ? readConfigFile(env.GATEHOUSE_CONFIG) : {};
  const merged: Record<string, unknown> = { ...fromFile };
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value !== '') merged[key] = value;
  }
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = issue.path.join('.') || '(config)';
        const got = issue.path.length ? ` (got ${JSON.stringify(merged[String(issue.path[0])])})` : '';
        return `${name}: ${issue.message}${got}`;
      }),
    );
  }
  return Object.freeze(toGatehouseConfig(parsed.data));
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError([`GATEHOUSE_CONFIG: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // Reported below with the same message as a non-object document.
  }
  throw new ConfigError([`GATEHOUSE_CONFIG: ${path} must hold a JSON object of settings`]);
}

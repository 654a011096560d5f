import { readFileSync } from 'node:fs';
import { configSchema, toGatehouseConfig, type GatehouseConfig } from './schema.js';

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((issue) => `  - ${issue}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const settings = configSchema.shape as Record<string, (typeof configSchema.shape)[keyof typeof configSchema.shape] | undefined>;

/** Whether a setting's value must never be shown (marked `secret` in the schema). */
export function isSecretSetting(name: string): boolean {
  return settings[name]?.meta()?.writeOnly === true;
}

/**
 * Reads the settings once: the optional JSON file named by `GATEHOUSE_CONFIG`,
 * then the environment, which wins. Throws a `ConfigError` naming every bad
 * setting, with the value it got unless the setting is secret; nothing else in
 * Gatehouse reads `process.env`.
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
        const setting = String(issue.path[0]);
        const got = !issue.path.length
          ? ''
          : isSecretSetting(setting)
            ? ' (value not shown: secret)'
            : ` (got ${JSON.stringify(merged[setting])})`;
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
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // Reported below with the same message as a non-object document.
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError([`GATEHOUSE_CONFIG: ${path} must hold a JSON object of settings`]);
  }
  // `$schema` points editors at the JSON Schema (schema/gatehouse.config.schema.json); it is no setting.
  const { $schema: _schema, ...fileSettings } = value as Record<string, unknown>;
  // The environment holds many unrelated variables; a file holds only settings, so a key that is
  // none is a typo that would otherwise leave a default silently in place.
  const unknown = Object.keys(fileSettings).filter((key) => !(key in settings));
  if (unknown.length) {
    throw new ConfigError(unknown.map((key) => `GATEHOUSE_CONFIG: ${path} has ${JSON.stringify(key)}, which is not a setting`));
  }
  return fileSettings;
}

import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CONFIG_SCHEMA_PATH, configJsonSchema, renderConfigJsonSchema } from '../../scripts/config-schema.js';
import { isSecretSetting, loadConfig } from '../../src/config/load.js';
import { configSchema } from '../../src/config/schema.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const EXAMPLE = `${ROOT}gatehouse.config.json`;

interface JsonSchema {
  properties: Record<string, { writeOnly?: boolean; description?: string; default?: unknown }>;
  additionalProperties: boolean;
}

describe('the settings file and its JSON Schema', () => {
  it('is what `npm run config:schema` writes', async () => {
    expect(await readFile(`${ROOT}${CONFIG_SCHEMA_PATH}`, 'utf8')).toBe(await renderConfigJsonSchema());
  });

  it('describes every setting, marks the secrets writeOnly and refuses other keys', async () => {
    const schema = JSON.parse(await readFile(`${ROOT}${CONFIG_SCHEMA_PATH}`, 'utf8')) as JsonSchema;
    expect(Object.keys(schema.properties).sort()).toEqual(['$schema', ...Object.keys(configSchema.shape)].sort());
    expect(schema.additionalProperties).toBe(false);
    for (const [name, property] of Object.entries(schema.properties)) {
      expect(property.description, name).toBeTruthy();
      if (name !== '$schema') expect(property.writeOnly === true, name).toBe(isSecretSetting(name));
    }
    expect(Object.keys(schema.properties).filter(isSecretSetting).sort()).toEqual([
      'GATEHOUSE_ADMIN_TOKEN',
      'GATEHOUSE_DATABASE_URL',
      'GATEHOUSE_JWT_PUBLIC_KEY',
      'GATEHOUSE_REDIS_OPTIONS',
      'GATEHOUSE_REDIS_URL',
      'GATEHOUSE_SUPERGRAPH',
      'OTEL_EXPORTER_OTLP_HEADERS',
      'OTEL_EXPORTER_OTLP_TRACES_HEADERS',
    ]);
    // Defaults as Gatehouse applies them, booleans included.
    expect(schema.properties['GATEHOUSE_GRAPHIQL']?.default).toBe(true);
    expect(schema.properties['GATEHOUSE_MAX_DOCUMENT_BYTES']?.default).toBe(262_144);
  });

  it('needs a README row for each setting', () => {
    expect(() => configJsonSchema('| `PORT` | `4000` | HTTP port |')).toThrow(/README.md's settings table has no row for HOST, /);
  });

  it('ships an example file that loads, holds no secret and uses only known settings', async () => {
    const example = JSON.parse(await readFile(EXAMPLE, 'utf8')) as Record<string, unknown>;
    expect(example['$schema']).toBe(`./${CONFIG_SCHEMA_PATH}`);
    const schema = JSON.parse(await readFile(`${ROOT}${CONFIG_SCHEMA_PATH}`, 'utf8')) as JsonSchema;
    for (const key of Object.keys(example)) {
      expect(schema.properties, key).toHaveProperty([key]);
      expect(isSecretSetting(key), key).toBe(false);
    }
    const config = loadConfig({ GATEHOUSE_CONFIG: EXAMPLE });
    expect(config).toMatchObject({ port: 4000, graphiql: { enabled: true }, limits: expect.objectContaining({ maxDocumentBytes: 262_144 }) });
  });

  it('is what the README shows', async () => {
    const readme = await readFile(`${ROOT}README.md`, 'utf8');
    expect(readme).toContain(`\`\`\`json\n${(await readFile(EXAMPLE, 'utf8')).trimEnd()}\n\`\`\``);
  });
});

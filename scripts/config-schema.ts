/**
 * `npm run config:schema`: writes schema/gatehouse.config.schema.json, the JSON Schema of a config
 * file (`GATEHOUSE_CONFIG`), so editors complete and check it (`"$schema"` in the file). Types,
 * bounds, enums and defaults come from the zod schema in src/config/schema.ts; each setting's
 * description from its row in the README's settings table, which therefore has one row per setting.
 * `--check` (in `npm test`) fails when the file is not what this would write.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { configSchema } from '../src/config/schema.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const CONFIG_SCHEMA_PATH = 'schema/gatehouse.config.schema.json';

/** `| \`NAME\` | default | meaning |` rows of the README, by setting name. */
export function settingRowsOf(readme: string): Map<string, { defaultText: string; meaning: string }> {
  const rows = new Map<string, { defaultText: string; meaning: string }>();
  for (const match of readme.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \| (.*?) \| (.*?) \|$/gm)) {
    rows.set(match[1]!, { defaultText: match[2]!, meaning: match[3]! });
  }
  return rows;
}

/** Markdown of a table cell as plain text for an editor's tooltip. */
function plain(markdown: string): string {
  return markdown.replace(/`([^`]*)`/g, '$1').replace(/\*\*([^*]*)\*\*/g, '$1');
}

interface JsonSchemaObject {
  properties: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

/** The config file's JSON Schema, as written to `CONFIG_SCHEMA_PATH`. Throws when a setting has no README row. */
export function configJsonSchema(readme: string): JsonSchemaObject {
  const generated = z.toJSONSchema(configSchema, { io: 'input', target: 'draft-7', unrepresentable: 'any' }) as JsonSchemaObject;
  const rows = settingRowsOf(readme);
  const missing = Object.keys(generated.properties).filter((name) => !rows.has(name));
  if (missing.length) throw new Error(`README.md's settings table has no row for ${missing.join(', ')}`);
  // Defaults as the loader applies them: zod leaves them out where a transform follows (booleans).
  const defaults = configSchema.parse({}) as Record<string, unknown>;
  const properties: JsonSchemaObject['properties'] = {
    $schema: { type: 'string', description: 'The JSON Schema of this file, for editors; Gatehouse ignores it.' },
  };
  for (const [name, property] of Object.entries(generated.properties)) {
    properties[name] = {
      description: plain(rows.get(name)!.meaning),
      ...property,
      ...(defaults[name] !== undefined && { default: defaults[name] }),
    };
  }
  return {
    $schema: generated['$schema'],
    title: 'Gatehouse settings file (GATEHOUSE_CONFIG)',
    description: 'Settings by their environment variable name; the environment wins over this file. Keep secrets (writeOnly) in the environment.',
    type: 'object',
    properties,
    // A key that is no setting is refused by the loader, too.
    additionalProperties: false,
  };
}

export async function renderConfigJsonSchema(): Promise<string> {
  const readme = await readFile(resolve(ROOT, 'README.md'), 'utf8');
  return `${JSON.stringify(configJsonSchema(readme), null, 2)}\n`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  const path = resolve(ROOT, CONFIG_SCHEMA_PATH);
  const run = async () => {
    const rendered = await renderConfigJsonSchema();
    if (!check) return writeFile(path, rendered);
    const current = await readFile(path, 'utf8').catch(() => '');
    if (current !== rendered) {
      console.error(`${CONFIG_SCHEMA_PATH} is out of date: run \`npm run config:schema\` and commit it.`);
      process.exit(1);
    }
  };
  run().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}

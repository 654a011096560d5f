/**
 * The README's examples, run against the demo (`npm run demo`, started here on free ports), so
 * they can't rot. An example is a fenced block right after a marker comment:
 *
 *   <!-- example: admin -->     + ```graphql  one operation, POSTed to /admin/graphql with the
 *                                             demo admin token (what the admin GraphiQL sends)
 *   <!-- example: graphql -->   + ```graphql  one operation, POSTed to /graphql without a key
 *                                             (the demo's anonymous plan)
 *   <!-- example: sh -->        + ```sh       run by `bash -euo pipefail` in a directory shared by
 *                                             all examples, with GATEHOUSE_ADMIN_TOKEN exported as
 *                                             the README says; every JSON value it prints is checked
 *   <!-- example: settings -->  + ```sh       `NAME=value` assignments before a command (`npm start`):
 *                                             they must load, and Gatehouse must start with them (and
 *                                             serve a schema in static supergraph mode)
 *
 * Examples run in README order against one demo, so a later one may use what an earlier one
 * created. Each must answer without `errors`. URLs are rewritten: `localhost:4000` (or
 * `127.0.0.1:4000`) to the demo's gateway, 4001–4006 to its example services, in the demo's order
 * (accounts, products, reviews, inventory, pricing, questions). A block without a marker is not
 * run: keep those to what can't run next to the demo.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { createGatehouse } from '../../src/gatehouse.js';
import { createLogger } from '../../src/log.js';
import type { RunningDemo } from '../../scripts/start-demo.js';
import { startTestDemo } from '../helpers/demo.js';
import { freshDataDir, postGraphQL } from '../helpers/gatehouse.js';

const README = fileURLToPath(new URL('../../README.md', import.meta.url));

type ExampleKind = 'admin' | 'graphql' | 'sh' | 'settings';

interface Example {
  kind: ExampleKind;
  code: string;
  /** 1-based line of the marker, for the test's name. */
  line: number;
}

const LANGUAGE: Record<ExampleKind, string> = { admin: 'graphql', graphql: 'graphql', sh: 'sh', settings: 'sh' };

function examplesIn(markdown: string): Example[] {
  const examples: Example[] = [];
  for (const match of markdown.matchAll(/^<!-- example: (\w+) -->\n```(\w+)\n([\s\S]*?)\n```/gm)) {
    const kind = match[1] as ExampleKind;
    const line = markdown.slice(0, match.index).split('\n').length;
    if (!(kind in LANGUAGE)) throw new Error(`README.md:${line}: unknown example kind "${kind}"`);
    if (match[2] !== LANGUAGE[kind]) throw new Error(`README.md:${line}: a ${kind} example is a \`\`\`${LANGUAGE[kind]} block`);
    examples.push({ kind, code: match[3]!, line });
  }
  // A marker whose block doesn't follow at once would be skipped silently.
  const markers = markdown.match(/^<!-- example: /gm)?.length ?? 0;
  if (markers !== examples.length) throw new Error(`README.md has ${markers} example markers but ${examples.length} examples right after one`);
  return examples;
}

/** Every JSON value in a text (curl prints one answer after another, without separators). */
function jsonValues(text: string): unknown[] {
  const values: unknown[] = [];
  let start = -1;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') inString = false;
    } else if (char === '"' && depth > 0) {
      inString = true;
    } else if (char === '{' || char === '[') {
      if (depth++ === 0) start = i;
    } else if ((char === '}' || char === ']') && depth > 0 && --depth === 0) {
      values.push(JSON.parse(text.slice(start, i + 1)));
    }
  }
  return values;
}

/** The GraphQL answers in a JSON value (a batch is a list of them). */
function answersIn(value: unknown): Array<{ data?: unknown; errors?: unknown }> {
  return (Array.isArray(value) ? value : [value]) as Array<{ data?: unknown; errors?: unknown }>;
}

/** `NAME=value` assignments at the start of a command line (continuations joined). */
function settingsOf(code: string): Record<string, string> {
  const settings: Record<string, string> = {};
  const command = code
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ');
  for (const word of command.trim().split(/\s+/)) {
    const assignment = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(word);
    if (!assignment) break;
    settings[assignment[1]!] = assignment[2]!.replace(/^(['"])(.*)\1$/, '$2');
  }
  return settings;
}

function run(command: string, cwd: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', command], { cwd, env: { PATH: process.env.PATH, HOME: cwd, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const examples = examplesIn(await readFile(README, 'utf8'));

describe('README examples, next to the running demo', () => {
  let demo: RunningDemo;
  let workDir: string;

  beforeAll(async () => {
    [demo, workDir] = await Promise.all([startTestDemo(), mkdtemp(join(tmpdir(), 'gatehouse-readme-'))]);
  });
  afterAll(async () => {
    await demo?.close();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  /** The example as it would run next to this demo. */
  function localised(code: string): string {
    return code.replace(/\b(localhost|127\.0\.0\.1):(400[0-6])\b/g, (_, _host: string, port: string) => {
      const index = Number(port) - 4000;
      return index === 0 ? new URL(demo.url).host : `127.0.0.1:${demo.services[index - 1]!.port}`;
    });
  }

  it('has examples of every kind', () => {
    const kinds = new Set(examples.map((example) => example.kind));
    expect([...kinds].sort()).toEqual(['admin', 'graphql', 'settings', 'sh']);
    expect(examples.length).toBeGreaterThanOrEqual(20);
  });

  for (const example of examples) {
    const firstLine = example.code.split('\n').find((line) => line.trim() && !line.trim().startsWith('#')) ?? '';
    it(`README.md:${example.line} (${example.kind}) ${firstLine.trim().slice(0, 60)}`, async () => {
      const code = localised(example.code);
      switch (example.kind) {
        case 'admin':
        case 'graphql': {
          const path = example.kind === 'admin' ? '/admin/graphql' : '/graphql';
          const headers: Record<string, string> = example.kind === 'admin' ? { authorization: `Bearer ${demo.adminToken}` } : {};
          const answer = await postGraphQL(`${demo.url}${path}`, code, undefined, headers);
          expect(answer.body.errors, JSON.stringify(answer.body.errors)).toBeUndefined();
          expect(answer.status).toBe(200);
          expect(answer.body.data).toBeTruthy();
          break;
        }
        case 'sh': {
          const result = await run(code, workDir, { GATEHOUSE_ADMIN_TOKEN: demo.adminToken });
          expect(result.code, `exit code; stderr:\n${result.stderr}\nstdout:\n${result.stdout}`).toBe(0);
          for (const value of jsonValues(result.stdout)) {
            for (const answer of answersIn(value)) expect(answer.errors, `${JSON.stringify(answer)}\nin:\n${result.stdout}`).toBeUndefined();
          }
          break;
        }
        case 'settings': {
          const settings = settingsOf(code);
          expect(Object.keys(settings).length).toBeGreaterThan(0);
          // Relative paths are relative to where the examples ran.
          for (const [name, value] of Object.entries(settings)) {
            if (value.startsWith('./') && !isAbsolute(value)) settings[name] = join(workDir, value);
          }
          const dataDir = await freshDataDir();
          try {
            const config = loadConfig({ ...settings, PORT: '0', HOST: '127.0.0.1', GATEHOUSE_DATA_DIR: dataDir, GATEHOUSE_LOG_LEVEL: 'silent' });
            const gatehouse = await createGatehouse(config, createLogger(config.logLevel));
            try {
              const url = await gatehouse.listen();
              const ready = await fetch(`${url}/readyz`);
              if (config.supergraph) expect(await ready.json()).toMatchObject({ status: 'ready' });
              else expect((await fetch(`${url}/healthz`)).status).toBe(200);
            } finally {
              await gatehouse.close();
            }
          } finally {
            await rm(dataDir, { recursive: true, force: true });
          }
          break;
        }
      }
    });
  }
});

import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { z } from 'zod';
import { configSchema } from './schema.js';

/** One environment variable as the schema defines it. */
export interface VariableDoc {
  variable: string;
  type: string;
  /** The default as the environment would spell it; undefined when there is none. */
  default?: string;
  required: boolean;
  description?: string;
}

interface Def {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  defaultValue?: unknown;
  entries?: Record<string, string>;
}
const defOf = (s: z.ZodType) => (s as unknown as { _zod: { def: Def } })._zod.def;

/** The value type under wrappers: default, optional, and a transform's input side. */
function typeOf(schema: z.ZodType): string {
  const def = defOf(schema);
  switch (def.type) {
    case 'default':
    case 'optional':
    case 'nullable':
      return typeOf(def.innerType!);
    case 'pipe':
      return typeOf(def.in!);
    case 'number':
      return (schema as unknown as { format?: string }).format?.includes('int') ? 'integer' : 'number';
    case 'enum':
      return Object.values(def.entries ?? {})
        .filter((v) => v !== '')
        .map((v) => `\`${v}\``)
        .join(' \\| ');
    default:
      return def.type;
  }
}

function defaultOf(schema: z.ZodType): { value?: unknown; optional: boolean } {
  const def = defOf(schema);
  if (def.type === 'default') return { value: def.defaultValue, optional: true };
  if (def.type === 'optional') return { optional: true };
  if (def.type === 'pipe') return defaultOf(def.in!);
  return { optional: false };
}

/** Every variable of the configuration schema, in schema order. */
export function describeConfig(): VariableDoc[] {
  return Object.entries(configSchema.shape).map(([variable, schema]) => {
    const s = schema as z.ZodType;
    const d = defaultOf(s);
    const doc: VariableDoc = { variable, type: typeOf(s), required: !d.optional };
    if (d.value !== undefined) doc.default = String(d.value);
    if (s.description) doc.description = s.description;
    return doc;
  });
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** docs/configuration.md, from the schema (`npm run docs:config`). */
export function renderConfigReference(): string {
  const rows = describeConfig().map(
    (v) =>
      `| \`${v.variable}\` | ${v.type} | ${v.default !== undefined ? `\`${cell(v.default)}\`` : v.required ? 'required' : '-'} | ${cell(v.description ?? '')} |`,
  );
  return [
    '# Configuration reference',
    '',
    '<!-- Generated from src/config/schema.ts by `npm run docs:config`; edit the schema, not this file. -->',
    '',
    'kefu reads these environment variables once at start-up (a `.env` file in the working directory is read',
    'too; the real environment wins). An invalid value stops start-up with a message naming the variable.',
    'A variable shown with `-` as its default is off when unset.',
    '',
    '| variable | type | default | description |',
    '|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

export const CONFIG_REFERENCE_PATH = 'docs/configuration.md';

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(CONFIG_REFERENCE_PATH, renderConfigReference());
  process.stdout.write(`wrote ${CONFIG_REFERENCE_PATH}\n`);
}

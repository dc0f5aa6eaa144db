// components/schemas of an OpenAPI document: zod's own JSON Schema output (draft 2020-12, OpenAPI 3.1's dialect) of
// every named schema, with a second, request form where the input of a schema differs from its output.
import { z } from 'zod';

export type Json = Record<string, unknown>;
type Io = 'input' | 'output';

const REF = '#/components/schemas/';
/** The suffix of a schema's request form when it differs from its answer form (a default makes a field optional). */
const INPUT = 'Input';

/** A schema written out where it is used (parameters, headers), without its own $schema. */
export const inline = (schema: z.ZodType, io: Io): Json => {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io }) as Json;
  return rest;
};

/** components/schemas from the named schemas, and a $ref to one of them in its request or answer form. */
export function components(named: Readonly<Record<string, z.ZodType>>) {
  const registry = z.registry<{ id: string }>();
  const names = new Map<z.ZodType, string>();
  for (const [id, schema] of Object.entries(named)) {
    if (names.has(schema)) throw new Error(`one schema is named both ${names.get(schema)} and ${id}`);
    names.set(schema, id);
    registry.add(schema, { id });
  }
  const emit = (io: Io, renamed: ReadonlySet<string>): Record<string, Json> => {
    const { schemas } = z.toJSONSchema(registry, { io, uri: id => REF + (renamed.has(id) ? id + INPUT : id) });
    // Each comes with its own $schema and a fragment-only $id, which 2020-12 forbids; the document sets the dialect.
    return Object.fromEntries(Object.entries(schemas).map(([id, { $schema: _d, $id: _i, ...rest }]) => [id, rest]));
  };
  const output = emit('output', new Set());
  // A request form that differs gets its own component, and so, in turn, does every schema that refers to one.
  let renamed = new Set<string>();
  let input = output;
  for (;;) {
    input = emit('input', renamed);
    const next = new Set([...names.values()].filter(id => renamed.has(id) || !same(input[id], output[id])));
    if (next.size === renamed.size) break;
    renamed = next;
  }
  const schemas = { ...output };
  for (const id of renamed) {
    if (schemas[id + INPUT]) throw new Error(`${id}${INPUT} is both a name and the request form of ${id}`);
    schemas[id + INPUT] = input[id]!;
  }
  const ref = (schema: z.ZodType, io: Io, where: string) => {
    const id = names.get(schema);
    if (!id) throw new Error(`the schema of ${where} is not one of the API's named schemas`);
    return { $ref: REF + (io === 'input' && renamed.has(id) ? id + INPUT : id) };
  };
  return { schemas, ref };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
export type Ref = ReturnType<typeof components>['ref'];

import fc from 'fast-check';
import * as z from 'zod/mini';

/**
 * Hostile inputs derived from the shared zod schemas, for the fuzz test. A schema is turned into
 * JSON Schema (`z.toJSONSchema`, part of zod) and that into fast-check arbitraries of values the
 * schema accepts, filled with hostile content (unicode edge cases, `__proto__`, boundary numbers);
 * `broken()` then makes near-misses the schema refuses (a field missing, of another type, out of
 * range, an unknown key, a huge or deeply nested value).
 *
 * Written here rather than taken from a library: zod-fast-check supports zod 3 only (peer zod ^3,
 * fast-check < 4), and json-schema-fast-check is a 0.0.x prototype; this covers the subset of JSON
 * Schema that z.toJSONSchema emits for Relais's schemas (~100 lines).
 */

type JsonSchema = {
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minItems?: number;
  maxItems?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
};

/** Strings that have broken parsers, loggers and templates before. */
const NASTY_STRINGS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  '\u0000',
  '\uD800',
  '\uFEFF',
  '\u202Eélif.exe',
  '👩🏽‍⚕️🩺',
  'é'.normalize('NFD'),
  "'; DROP TABLE users; --",
  '<script>alert(1)</script>',
  '${7*7}{{7*7}}',
  '../../../../etc/passwd',
  '%00%2e%2e%2f',
  '\r\nSet-Cookie: x=1',
  ' ',
];

function hostileString(minLength: number, maxLength: number): fc.Arbitrary<string> {
  const fits = (s: string) => s.length >= minLength && s.length <= maxLength;
  return fc
    .oneof(
      { weight: 3, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
      { weight: 3, arbitrary: fc.string({ unit: 'binary', minLength, maxLength: Math.min(maxLength, 64) }) },
      { weight: 1, arbitrary: fc.constant('x'.repeat(Math.min(maxLength, 100_000))) },
    )
    .map((s) => (fits(s) ? s : s.padEnd(minLength, 'x').slice(0, maxLength)));
}

function hostileNumber(schema: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : -Number.MAX_SAFE_INTEGER);
  const max = schema.maximum ?? Number.MAX_SAFE_INTEGER;
  const edges = [min, max, 0, -0, 1, Number.MAX_SAFE_INTEGER].filter((n) => n >= min && n <= max);
  return fc.oneof(fc.constantFrom(...edges), integer ? fc.integer({ min: Math.max(min, -(2 ** 31)), max: Math.min(max, 2 ** 31) }) : fc.double({ min, max, noNaN: true }));
}

/** Values `schema` accepts, with hostile content where the schema lets any. */
export function arbitraryOf(schema: JsonSchema): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const choices = schema.oneOf ?? schema.anyOf;
  if (choices) return fc.oneof(...choices.map(arbitraryOf));
  if (schema.allOf?.length === 1) return arbitraryOf(schema.allOf[0] as JsonSchema);
  const type = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (type.length > 1) return fc.oneof(...type.map((t) => arbitraryOf({ ...schema, type: t })));
  switch (type[0]) {
    case 'string':
      if (schema.format === 'uuid') return fc.uuid({ version: 7 });
      if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length <= (schema.maxLength ?? Infinity));
      return hostileString(schema.minLength ?? 0, schema.maxLength ?? 5_000);
    case 'number':
    case 'integer':
      return hostileNumber(schema, type[0] === 'integer');
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(arbitraryOf(schema.items ?? {}), { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 5, 5) });
    case 'object': {
      if (!schema.properties) return fc.dictionary(hostileString(1, 20), fc.integer(), { maxKeys: 3 });
      const required = new Set(schema.required ?? []);
      const fields = Object.fromEntries(Object.entries(schema.properties).map(([key, value]) => [key, arbitraryOf(value)]));
      const requiredKeys = Object.keys(fields).filter((key) => required.has(key));
      return fc.record(fields, { requiredKeys });
    }
    default:
      return fc.anything();
  }
}

/** What replaces a value to make it wrong: other types, boundaries, huge and deeply nested values. */
const WRONG = fc.oneof(
  fc.constantFrom(null, true, 0, -1, 1e308, -0, '', 'null', [], {}, Number.MAX_SAFE_INTEGER + 2),
  fc.constant('x'.repeat(2_000_000)),
  fc.integer({ min: 50, max: 2_000 }).map((depth) => JSON.parse('['.repeat(depth) + ']'.repeat(depth)) as unknown),
  fc.anything(),
);

/** Near-misses of a valid value: one place in it changed so that it is (usually) refused. */
export function broken(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.tuple(valid, WRONG, fc.nat(), fc.constantFrom('replace', 'drop', 'extra', 'proto', 'whole')).map(([value, wrong, pick, how]) => {
    if (how === 'whole' || typeof value !== 'object' || value === null) return wrong;
    const copy = structuredClone(value) as Record<string, unknown>;
    const keys = Object.keys(copy);
    const key = keys.length > 0 ? (keys[pick % keys.length] as string) : 'x';
    if (how === 'replace') copy[key] = wrong;
    else if (how === 'drop') delete copy[key];
    else if (how === 'extra') copy[`unexpected_${pick % 7}`] = wrong;
    // An own `__proto__` key, as JSON.parse makes it from a body.
    else Object.defineProperty(copy, '__proto__', { value: { isAdmin: true, polluted: wrong }, enumerable: true, writable: true, configurable: true });
    return copy;
  });
}

/** A zod schema as JSON Schema (what `arbitraryOf` reads). */
export function jsonSchemaOf(schema: z.core.$ZodType): JsonSchema {
  return z.toJSONSchema(schema, { unrepresentable: 'any', io: 'input' }) as unknown as JsonSchema;
}

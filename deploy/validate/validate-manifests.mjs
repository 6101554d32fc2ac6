// Validates Kubernetes manifests offline against the API's schemas (types, required fields, formats) with
// kubernetes-models: one model per apiVersion/kind, `.validate()` on each document. Unknown fields are not caught
// here; the .NET test parses the same text strictly with KubernetesClient for that.
// Usage: node validate-manifests.mjs FILE...   (multi-document YAML, e.g. `helm template` output; "-" = stdin)
// Prints one line per document and exits 1 when any document fails or has a kind it cannot check.
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

async function modelFor(apiVersion, kind) {
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || !/^[A-Za-z0-9.\-\/]+$/.test(apiVersion) || !/^[A-Za-z0-9]+$/.test(kind)) {
    throw new Error(`not a Kubernetes object (apiVersion ${apiVersion}, kind ${kind})`);
  }
  try {
    const module = await import(`kubernetes-models/${apiVersion}/${kind}`);
    return module[kind] ?? module.default;
  } catch (error) {
    throw new Error(`no schema for ${apiVersion}/${kind} in kubernetes-models (${error.code ?? error.message})`);
  }
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node validate-manifests.mjs FILE...');
  process.exit(2);
}

let failures = 0;
let checked = 0;
for (const file of files) {
  const text = readFileSync(file === '-' ? 0 : file, 'utf8');
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) {
      failures++;
      console.log(`FAIL ${file}: YAML: ${doc.errors.map((e) => e.message).join('; ')}`);
      continue;
    }
    const object = doc.toJS();
    if (object === null || object === undefined) continue;
    const name = `${object.apiVersion}/${object.kind} ${object.metadata?.name ?? '(no name)'}`;
    try {
      const Model = await modelFor(object.apiVersion, object.kind);
      new Model(object).validate();
      checked++;
      console.log(`ok   ${name}`);
    } catch (error) {
      failures++;
      console.log(`FAIL ${name}: ${error.message.replace(/\s+/g, ' ')}`);
    }
  }
}
console.log(`${checked} valid, ${failures} invalid`);
process.exit(failures > 0 || checked === 0 ? 1 : 0);

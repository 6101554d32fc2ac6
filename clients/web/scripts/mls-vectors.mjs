// Copies the subset of RFC 9420's published test vectors (github.com/mlswg/mls-implementations, folder
// test-vectors/) that src/e2ee/vectors.test.ts runs: cipher suite 1 only (the one CHAOS uses), the first 12
// entries of messages.json. Usage: node scripts/mls-vectors.mjs /path/to/mls-implementations/test-vectors
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const from = process.argv[2];
if (!from) throw new Error('usage: node scripts/mls-vectors.mjs <mls-implementations/test-vectors>');
const to = new URL('../src/e2ee/vectors/', import.meta.url);
const suite1 = (xs) => xs.filter((x) => x.cipher_suite === 1);
const pick = {
  'tree-math': (xs) => xs,
  'crypto-basics': suite1,
  'key-schedule': suite1,
  'secret-tree': suite1,
  'welcome': suite1,
  'transcript-hashes': suite1,
  'messages': (xs) => xs.slice(0, 12),
  'passive-client-welcome': suite1,
  'passive-client-handling-commit': suite1,
};
for (const [name, filter] of Object.entries(pick)) {
  const all = JSON.parse(readFileSync(join(from, `${name}.json`), 'utf8'));
  const kept = filter(all);
  writeFileSync(new URL(`${name}.json`, to), JSON.stringify(kept));
  console.log(`${name}: ${kept.length} of ${all.length}`);
}

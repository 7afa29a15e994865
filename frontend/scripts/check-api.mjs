// Fails when src/api/schema.d.ts is not what ../openapi/openapi.json generates, i.e. when
// the committed types drifted from the committed spec. Fix with `npm run gen:api`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const spec = resolve(root, '../openapi/openapi.json');
const committed = join(root, 'src/api/schema.d.ts');
const bin = join(root, 'node_modules/.bin/openapi-typescript');

const dir = mkdtempSync(join(tmpdir(), 'tsunagu-check-api-'));
const fresh = join(dir, 'schema.d.ts');
try {
  const gen = spawnSync(bin, [spec, '-o', fresh], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (gen.status !== 0) {
    console.error('check:api: openapi-typescript failed');
    process.exit(1);
  }
  let current;
  try {
    current = readFileSync(committed, 'utf8');
  } catch {
    console.error(`check:api: ${committed} is missing; run \`npm run gen:api\``);
    process.exit(1);
  }
  if (current !== readFileSync(fresh, 'utf8')) {
    spawnSync('diff', ['-u', committed, fresh], { stdio: 'inherit' });
    console.error('check:api: src/api/schema.d.ts differs from what openapi/openapi.json generates; run `npm run gen:api`');
    process.exit(1);
  }
  console.log('check:api: src/api/schema.d.ts matches openapi/openapi.json');
} finally {
  rmSync(dir, { recursive: true, force: true });
}

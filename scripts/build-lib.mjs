// Compiles src/ to lib/ (tsconfig.build.json: emit only, no type check — `npm test` type-checks) and stamps it,
// so bin/osprey.js knows lib/ is newer than every source file.
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
rmSync(`${root}lib`, { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', `${root}tsconfig.build.json`], { stdio: 'inherit' });
writeFileSync(`${root}lib/.built`, `${new Date().toISOString()}\n`);

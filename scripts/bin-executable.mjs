// Marks the `sluice` command executable after tsc wrote it (tsc writes 0644): npm sets the bit
// only when it links bins, so a fresh build (rm -rf dist) otherwise leaves `npx sluice` failing
// with "Permission denied".
import { chmodSync, existsSync, readFileSync } from 'node:fs';

const { bin } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
for (const path of Object.values(bin)) {
  const file = new URL(`../${path}`, import.meta.url);
  if (existsSync(file)) chmodSync(file, 0o755);
}

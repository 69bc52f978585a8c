// The service registry and the config server under load (issue 13): Sluice's Eureka-compatible
// registry inside `sluice start` against Netflix Eureka's own server (Spring Cloud Netflix, built by
// scripts/peers/install-spring.sh), and Sluice's config server against Spring Cloud Config's, in
// the same run, one at a time, driven by the same HTTP client. Writes docs/bench-sections/registry.md
// (and so docs/benchmarks.md) unless --out.
//
//   npm run build && node dist/bench/registry.js [--quick] [--rounds N] [--instances N] [--out FILE]

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gitState, machineInfo } from './lib/machine.js';
import { cleanupNow, installSignalHandlers, onCleanup } from './lib/processes.js';
import { renderRegistry } from './lib/registry/report.js';
import {
  type ConfigRound,
  type RegistryRound,
  runConfigRound,
  runRegistryRound,
  SIDES,
  type Side,
} from './lib/registry/rounds.js';
import { springJars } from './lib/registry/servers.js';
import { writeSection } from './lib/sections.js';
import { sluiceVersion } from './lib/sluice-broker.js';

const USAGE = `Usage: node dist/bench/registry.js [options]

  --quick          1,000 instances, shorter runs, 1 round (default: 10,000 instances, 3 rounds)
  --rounds N       rounds per side
  --instances N    instances registered before the registry is measured
  --only SIDE      sluice or spring: measure only that side
  --out FILE       where to write the section (default: docs/bench-sections/registry.md, which
                   also recomposes docs/benchmarks.md)
  -h, --help       show this help`;

export interface Scale {
  instances: number;
  renewSeconds: number;
  fetches: number;
  configFetches: number;
  rounds: number;
}

const FULL: Scale = { instances: 10_000, renewSeconds: 10, fetches: 40, configFetches: 2_000, rounds: 3 };
const QUICK: Scale = { instances: 1_000, renewSeconds: 3, fetches: 10, configFetches: 300, rounds: 1 };

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      quick: { type: 'boolean' },
      rounds: { type: 'string' },
      instances: { type: 'string' },
      only: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const scale = { ...(values.quick ? QUICK : FULL) };
  for (const [flag, field] of [
    ['rounds', 'rounds'],
    ['instances', 'instances'],
  ] as const) {
    const given = values[flag];
    if (given === undefined) continue;
    scale[field] = Number(given);
    if (!Number.isInteger(scale[field]) || scale[field] < 1) {
      console.error(`--${flag} must be a positive integer\n\n${USAGE}`);
      return 2;
    }
  }
  const only = values.only as Side | undefined;
  if (only !== undefined && !SIDES.includes(only)) {
    console.error(`--only: sluice or spring\n\n${USAGE}`);
    return 2;
  }
  const sides: Side[] = only === undefined ? [...SIDES] : [only];
  const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
  const jars = springJars(repoRoot);
  if ('error' in jars) {
    console.error(`bench: ${jars.error}`);
    return 1;
  }
  installSignalHandlers();
  const began = new Date();
  const tmpRoot = mkdtempSync(join(tmpdir(), 'sluice-registry-bench-'));
  onCleanup(() => rmSync(tmpRoot, { recursive: true, force: true }));

  const registry: RegistryRound[] = [];
  const config: ConfigRound[] = [];
  for (let round = 1; round <= scale.rounds; round++) {
    const order = round % 2 === 1 ? sides : [...sides].reverse();
    for (const side of order) {
      console.log(`bench: round ${round}: registry, ${side}`);
      const r = await runRegistryRound(side, { repoRoot, tmpRoot, jars, scale, round });
      registry.push(r);
      console.log(
        r.error ??
          `  ${Math.round(r.registerPerSecond ?? 0)} registrations/s, ${Math.round(r.renewPerSecond ?? 0)} renewals/s, full fetch p50 ${r.fullFetchMs?.p50.toFixed(1)} ms`,
      );
    }
    for (const side of order) {
      console.log(`bench: round ${round}: config, ${side}`);
      const c = await runConfigRound(side, { repoRoot, tmpRoot, jars, scale, round });
      config.push(c);
      console.log(
        c.error ?? `  fetch p50 ${c.fetchMs?.p50.toFixed(2)} ms, ${Math.round(c.fetchPerSecond ?? 0)}/s`,
      );
    }
  }

  const markdown = renderRegistry({
    began,
    scale,
    registry,
    config,
    machine: machineInfo(),
    git: await gitState(repoRoot),
    sluice: sluiceVersion(repoRoot),
    jars,
  });
  if (values.out !== undefined) {
    writeFileSync(values.out, markdown);
    console.log(`bench: wrote ${values.out}`);
  } else {
    const path = writeSection(repoRoot, 'registry', markdown);
    console.log(`bench: wrote ${relative(process.cwd(), path)} and docs/benchmarks.md`);
  }
  return [...registry, ...config].some((r) => r.error !== undefined) ? 1 : 0;
}

main()
  .then((code) => {
    cleanupNow();
    process.exit(code);
  })
  .catch((error: unknown) => {
    console.error(error);
    cleanupNow();
    process.exit(1);
  });

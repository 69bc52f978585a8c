// The markdown section of the registry benchmark: Sluice's registry and config server against
// Eureka's and Spring Cloud Config's own servers, medians over rounds with their spread, ratios.

import type { Scale } from '../../registry.js';
import type { Machine } from '../machine.js';
import { formatMedian, type Median, median } from '../median.js';
import type { ConfigRound, RegistryRound, Side } from './rounds.js';
import type { SpringJars } from './servers.js';

export interface RegistryRun {
  began: Date;
  scale: Scale;
  registry: RegistryRound[];
  config: ConfigRound[];
  machine: Machine;
  git: string;
  sluice: string;
  jars: SpringJars;
}

interface Row<R> {
  label: string;
  pick: (r: R) => number | undefined;
  digits: number;
  higherIsBetter: boolean;
}

const REGISTRY_ROWS: Row<RegistryRound>[] = [
  {
    label: 'registrations/s (32 in flight)',
    pick: (r) => r.registerPerSecond,
    digits: 0,
    higherIsBetter: true,
  },
  { label: 'renewals/s (64 in flight)', pick: (r) => r.renewPerSecond, digits: 0, higherIsBetter: true },
  { label: 'full registry fetch p50, ms', pick: (r) => r.fullFetchMs?.p50, digits: 1, higherIsBetter: false },
  { label: 'full registry fetch p99, ms', pick: (r) => r.fullFetchMs?.p99, digits: 1, higherIsBetter: false },
  {
    label: 'full registry, KiB gzip',
    pick: (r) => (r.fullFetchBytes?.gzip ?? Number.NaN) / 1024,
    digits: 0,
    higherIsBetter: false,
  },
  {
    label: 'full registry, KiB JSON',
    pick: (r) => (r.fullFetchBytes?.json ?? Number.NaN) / 1024,
    digits: 0,
    higherIsBetter: false,
  },
  { label: 'delta fetch p50, ms', pick: (r) => r.deltaFetchMs?.p50, digits: 2, higherIsBetter: false },
  { label: 'delta fetch p99, ms', pick: (r) => r.deltaFetchMs?.p99, digits: 2, higherIsBetter: false },
  { label: 'server CPU s (whole round)', pick: (r) => r.serverCpuSeconds, digits: 1, higherIsBetter: false },
  { label: 'server peak RSS, MiB', pick: (r) => r.peakRssMiB, digits: 0, higherIsBetter: false },
];

const CONFIG_ROWS: Row<ConfigRound>[] = [
  { label: 'fetch p50, ms (one at a time)', pick: (r) => r.fetchMs?.p50, digits: 2, higherIsBetter: false },
  { label: 'fetch p99, ms (one at a time)', pick: (r) => r.fetchMs?.p99, digits: 2, higherIsBetter: false },
  { label: 'fetches/s (16 in flight)', pick: (r) => r.fetchPerSecond, digits: 0, higherIsBetter: true },
  {
    label: 'server CPU s (measured part)',
    pick: (r) => r.serverCpuSeconds,
    digits: 1,
    higherIsBetter: false,
  },
  { label: 'server peak RSS, MiB', pick: (r) => r.peakRssMiB, digits: 0, higherIsBetter: false },
];

function sideMedian<R extends { side: Side; round: number; error?: string }>(
  rounds: R[],
  side: Side,
  pick: (r: R) => number | undefined,
): Median | undefined {
  return median(rounds.filter((r) => r.side === side && r.error === undefined).flatMap((r) => pick(r) ?? []));
}

function table<R extends { side: Side; round: number; error?: string }>(
  rounds: R[],
  rows: Row<R>[],
  peer: string,
): string[] {
  const out = [`|  | Sluice | ${peer} | Sluice / ${peer} |`, '|---|---:|---:|---:|'];
  for (const row of rows) {
    const a = sideMedian(rounds, 'sluice', row.pick);
    const b = sideMedian(rounds, 'spring', row.pick);
    const ratio = a && b && b.value !== 0 ? `${(a.value / b.value).toFixed(2)}×` : '—';
    out.push(`| ${row.label} | ${formatMedian(a, row.digits)} | ${formatMedian(b, row.digits)} | ${ratio} |`);
  }
  const failed = rounds.filter((r) => r.error !== undefined);
  for (const r of failed) out.push(`\n- round ${r.round}, ${r.side}: failed: ${r.error}`);
  return out;
}

function ratioOf<R extends { side: Side; round: number; error?: string }>(
  rounds: R[],
  pick: (r: R) => number | undefined,
): string {
  const a = sideMedian(rounds, 'sluice', pick);
  const b = sideMedian(rounds, 'spring', pick);
  return a && b && b.value !== 0 ? `${(a.value / b.value).toFixed(2)}×` : '—';
}

export function renderRegistry(run: RegistryRun): string {
  const { scale } = run;
  const date = run.began.toISOString().slice(0, 16).replace('T', ' ');
  const out: string[] = [];
  out.push('## Service registry and config server: Sluice vs Eureka and Spring Cloud Config');
  out.push('');
  out.push(
    `${date} UTC, median of ${scale.rounds} round${scale.rounds === 1 ? '' : 's'} (± half the range between rounds), ` +
      `${run.machine.nproc} CPUs (shared). ${scale.instances.toLocaleString('en-US')} instances in 100 applications.`,
  );
  out.push('');
  out.push(
    `**Sluice / Eureka: renewals/s ${ratioOf(run.registry, (r) => r.renewPerSecond)}, full fetch p50 ` +
      `${ratioOf(run.registry, (r) => r.fullFetchMs?.p50)} (below 1 is faster); Sluice / Spring Cloud Config: ` +
      `fetch p50 ${ratioOf(run.config, (r) => r.fetchMs?.p50)}, fetches/s ${ratioOf(run.config, (r) => r.fetchPerSecond)}.**`,
  );
  out.push('');
  out.push('### Registry');
  out.push('');
  out.push(...table(run.registry, REGISTRY_ROWS, 'Eureka'));
  out.push('');
  out.push('### Config server');
  out.push('');
  out.push(...table(run.config, CONFIG_ROWS, 'Spring Cloud Config'));
  out.push('');
  out.push('### How');
  out.push('');
  out.push(
    `- Each round and side: a fresh server. Sluice: \`sluice start\` (the whole platform, broker included; registry at \`/eureka\`, config server at \`/config\`). Eureka: Spring Cloud Netflix's Eureka server (\`test/peers/spring/eureka-server\`, built ${run.jars.built} by \`scripts/peers/install-spring.sh\`), JVM defaults, Eureka's defaults (30 s response cache, self-preservation on). Spring Cloud Config: its server on the native backend (YAML files), its bus on a \`sluice broker\`.`,
  );
  out.push(
    `- Registry: ${scale.instances.toLocaleString('en-US')} \`POST /eureka/apps/{APP}\` (JSON as the Java client sends it), 32 in flight; then \`PUT /eureka/apps/{APP}/{id}?status=UP&lastDirtyTimestamp=\` for ${scale.renewSeconds} s with 64 in flight over all instances; then \`GET /eureka/apps/\` with \`Accept: application/json\` and \`Accept-Encoding: gzip\` as the Java client fetches (the first answer checked to list every instance), ${scale.fetches} times one at a time, and \`GET /eureka/apps/delta\` ${scale.fetches * 5} times.`,
  );
  out.push(
    `- Config: 50 properties for \`bench-app\` in profile \`prod\` (30 of the application, 10 of its profile, 10 shared by every application); \`GET /{app}/{profile}\` (Sluice: \`/config/bench-app/prod\`) ${scale.configFetches.toLocaleString('en-US')} times one at a time, then ${scale.renewSeconds} s with 16 in flight; the first answer is checked to hold all 50.`,
  );
  out.push(
    '- One Node.js process drives both sides with the same code (`bench/lib/http-load.ts`, keep-alive connections) on the same 2 cores as the server.',
  );
  out.push('');
  out.push('```sh');
  out.push(
    `npm run build && node dist/bench/registry.js${scale.instances === 10_000 ? '' : ` --instances ${scale.instances}`}`,
  );
  out.push('```');
  out.push('');
  out.push(
    `Versions: Sluice ${run.sluice}; git ${run.git}. Machine: ${run.machine.cpuModel}, ${run.machine.nproc} CPUs, node ${run.machine.node}.`,
  );
  return `${out.join('\n')}\n`;
}

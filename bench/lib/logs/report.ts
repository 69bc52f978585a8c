// The logs benchmark's figures and the markdown section they become.

import type { Machine } from '../machine.js';

export interface LogsFigures {
  when: string;
  command: string;
  platformCommand: string;
  produceCommand: string;
  machine: Machine;
  versions: { sluice: string; git: string; go: string; franzGo: string };
  produce: {
    lines: number;
    bytes: number;
    seconds: number;
    avgLineBytes: number;
    jsonShare: number;
    services: number;
  };
  /** From the generator's start until /index/stats counted every line. */
  indexSeconds: number;
  /** From the generator's last acknowledgement until every line was indexed. */
  indexLagSeconds: number;
  scan: { stats: Stat; ms: number[] };
  selective: { selector: string; stats: Stat; ms: number };
  metric: { query: string; ms: number; series: number; counted: number };
  push: {
    lines: number;
    bytes: number;
    seconds: number;
    requests: number;
    senders: number;
    batch: number;
    indexSeconds: number;
  };
  peakRssMiB: number;
  cpuSeconds: number;
  notes: string[];
}

interface Stat {
  chunks: number;
  entries: number;
  bytes: number;
  streams: number;
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
const rate = (n: number, s: number) => int(n / s);

export function renderLogs(f: LogsFigures): string {
  const m = f.machine;
  const p = f.produce;
  const scanBest = Math.min(...f.scan.ms);
  return `## Logs: ingest and query (${mb(p.bytes)} MB of log lines)

${f.when}; ${m.nproc} cores (${m.cpuModel}), ${m.memoryGiB} GiB, ${m.os}, Linux ${m.kernel}, load average
${m.loadAverageAtStart.map((l) => l.toFixed(1)).join(' ')} at start (a shared machine: absolute figures are noisy). Node ${m.node},
Sluice ${f.versions.sluice} (${f.versions.git}), ${f.versions.go}, franz-go ${f.versions.franzGo}.

\`\`\`sh
${f.command}
# which runs, on free ports and a fresh data directory:
${f.platformCommand}
${f.produceCommand}
\`\`\`

No peer: Grafana Loki is not packaged here (Debian's \`loki\` is an unrelated genetics program).

**Ingest through the topic.** bench/loadgen-logs (franz-go, acks=all, idempotent, linger 5 ms,
1 MiB batches, no compression) writes ${int(p.lines)} lines of ${p.avgLineBytes.toFixed(0)} bytes on average
(${(p.jsonShare * 100).toFixed(0)}% pino JSON, the rest plain text; ${p.services} services, keyed by service, 4 levels) straight
into \`sluice-logs\` (3 partitions), as any shipper would. The log monitor in the same process follows
the topic, parses every line and builds the chunk index; "indexed" is when \`/index/stats\` counts every line.

| | lines/s | MB/s | seconds |
|---|---:|---:|---:|
| produced (acknowledged by the broker) | ${rate(p.lines, p.seconds)} | ${(p.bytes / 1e6 / p.seconds).toFixed(1)} | ${p.seconds.toFixed(1)} |
| indexed (from the first line sent to the last indexed) | ${rate(p.lines, f.indexSeconds)} | ${(p.bytes / 1e6 / f.indexSeconds).toFixed(1)} | ${f.indexSeconds.toFixed(1)} |

The index caught up ${f.indexLagSeconds.toFixed(1)} s after the last acknowledgement.

**Ingest through Loki push** (HTTP JSON, ${f.push.batch} lines per request, ${f.push.senders} concurrent senders in the
benchmark process, logfmt lines of ~${(f.push.bytes / f.push.lines).toFixed(0)} bytes; each request answered after the broker's acks=all):
${int(f.push.lines)} lines (${mb(f.push.bytes)} MB) in ${f.push.seconds.toFixed(1)} s: **${rate(f.push.lines, f.push.seconds)} lines/s**,
${(f.push.bytes / 1e6 / f.push.seconds).toFixed(1)} MB/s, ${f.push.requests} requests; all indexed ${f.push.indexSeconds.toFixed(1)} s after the first request.

**Query** (over the whole time range of the topic ingest, ${int(f.scan.stats.chunks)} chunks, ${int(f.scan.stats.streams)} streams):

| query | time | scanned | rate |
|---|---:|---:|---:|
| \`{service=~".+"} \\|= "no-such-text"\` (matches nothing: reads every line) | ${f.scan.ms.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(', ')} | ${mb(f.scan.stats.bytes)} MB, ${int(f.scan.stats.entries)} lines | **${(f.scan.stats.bytes / 1e6 / (scanBest / 1000)).toFixed(1)} MB/s**, ${rate(f.scan.stats.entries, scanBest / 1000)} lines/s (best run) |
| \`${f.selective.selector} \\|= "no-such-text"\` (one service of ${p.services}) | ${(f.selective.ms / 1000).toFixed(1)} s | ${int(f.selective.stats.chunks)} of ${int(f.scan.stats.chunks)} chunks (${((f.selective.stats.chunks / f.scan.stats.chunks) * 100).toFixed(0)}%); the service's own lines: ${mb(f.selective.stats.bytes)} MB | ${((f.selective.ms / scanBest) * 100).toFixed(0)}% of the full scan's time |
| \`${f.metric.query}\` (step 1m) | ${(f.metric.ms / 1000).toFixed(1)} s | ${int(f.metric.counted)} lines counted, ${f.metric.series} series | ${rate(f.metric.counted, f.metric.ms / 1000)} lines/s |

Peak RSS of the \`sluice start\` process: **${int(f.peakRssMiB)} MiB**; its CPU time over the whole run: ${f.cpuSeconds.toFixed(0)} s.
${f.notes.map((n) => `\n${n}`).join('')}
`;
}

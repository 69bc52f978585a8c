// docs/benchmarks.md is run.ts's report (Sluice vs Apache Kafka) followed by the sections that
// other bench entries write with their own commands (other peers, logs, cost of metrics). Each
// entry writes its section to docs/bench-sections/NAME.md and then recomposes the document, so
// re-running one part never loses the others.

import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const MARKER =
  '<!-- The sections below come from docs/bench-sections/*.md, each written by its own command. -->';
const ORDER = [
  'consume',
  'streams',
  'pipeline',
  'registry',
  'logs',
  'metrics-cost',
  'fast-start',
  'isolation',
  'soak',
];

export function sectionPath(repoRoot: string, name: string): string {
  return join(repoRoot, 'docs', 'bench-sections', `${name}.md`);
}

/** Writes one section and recomposes docs/benchmarks.md; returns the section's path. */
export function writeSection(repoRoot: string, name: string, markdown: string): string {
  const path = sectionPath(repoRoot, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, markdown.endsWith('\n') ? markdown : `${markdown}\n`);
  composeBenchmarksDoc(repoRoot);
  return path;
}

/** docs/benchmarks.md = its own part (up to the marker) + every section, in a fixed order. */
export function composeBenchmarksDoc(repoRoot: string): void {
  const doc = join(repoRoot, 'docs', 'benchmarks.md');
  const dir = join(repoRoot, 'docs', 'bench-sections');
  const head = existsSync(doc) ? readFileSync(doc, 'utf8').split(MARKER)[0].trimEnd() : '# Benchmarks';
  const names = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.md'))
        .map((f) => f.slice(0, -3))
    : [];
  names.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const sections = names.map((n) => readFileSync(join(dir, `${n}.md`), 'utf8').trim());
  writeFileSync(
    doc,
    sections.length === 0 ? `${head}\n` : `${head}\n\n${MARKER}\n\n${sections.join('\n\n')}\n`,
  );
}

function rank(name: string): number {
  const i = ORDER.indexOf(name);
  return i < 0 ? ORDER.length : i;
}

// bench/loadgen-streams: the Go load generator of the other peers, built once per run.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Loadgen } from '../loadgen.js';
import { run } from '../processes.js';

/** Builds bench/loadgen-streams into bench/.bin/loadgen-streams; the clients' versions from go.mod. */
export async function buildStreamsLoadgen(
  repoRoot: string,
): Promise<{ gen: Loadgen; clients: Record<string, string> }> {
  const source = join(repoRoot, 'bench', 'loadgen-streams');
  const bin = join(repoRoot, 'bench', '.bin', 'loadgen-streams');
  const built = await run('go', ['build', '-o', bin, '.'], { cwd: source, timeoutMs: 10 * 60_000 });
  if (built.code !== 0) throw new Error(`go build of bench/loadgen-streams failed:\n${built.stderr}`);
  const version = await run('go', ['version'], { timeoutMs: 30_000 });
  const goMod = readFileSync(join(source, 'go.mod'), 'utf8');
  const mod = (path: string) =>
    new RegExp(`${path.replaceAll('.', '\\.')} (v\\S+)`).exec(goMod)?.[1] ?? 'unknown';
  return {
    // The shape bench/lib/loadgen.ts runs; franzGoVersion does not apply to this generator.
    gen: { bin, goVersion: version.stdout.trim().replace(/^go version /, ''), franzGoVersion: 'n/a' },
    clients: {
      nats: `nats.go ${mod('github.com/nats-io/nats.go')}`,
      redis: `go-redis ${mod('github.com/redis/go-redis/v9')}`,
      rabbitmq: `amqp091-go ${mod('github.com/rabbitmq/amqp091-go')}`,
    },
  };
}

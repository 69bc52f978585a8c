// The two processors under test, as child processes: Sluice's `sluice pipeline run` and the Kafka
// Streams application in bench/pipeline-streams (built with Maven, cached by a hash of its sources).

import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tailFile } from '../broker.js';
import { procStat, run, start, stopSpawned } from '../processes.js';
import { streamsArgs } from './workload.js';

export const STREAMS_DIR = 'bench/pipeline-streams';
export const STREAMS_MAIN = 'dev.sluice.bench.PipelineApp';
const STOP_TIMEOUT_MS = 30_000;

export interface RunningProcessor {
  pid: number;
  /** When the process started (per /proc), unix ms. */
  startUnixMs: number;
  exitReason(): string | undefined;
  /** Resolves when the process has exited. */
  exited: Promise<unknown>;
  logTail(lines: number): string;
  /** Everything it printed on stdout so far. */
  stdout(): string;
  /** SIGTERM, then SIGKILL after 30 s; resolves to a note when it did not stop cleanly. */
  stop(): Promise<string | undefined>;
}

export const SLUICE_PIPELINE_COMMAND =
  'node dist/src/cli/main.js pipeline run --bootstrap HOST:PORT --config FILE';

/** Undefined when this build has `sluice pipeline run`, else why the Sluice side cannot run. */
export async function sluicePipelineProblem(repoRoot: string): Promise<string | undefined> {
  const out = await run(
    process.execPath,
    [join(repoRoot, 'dist/src/cli/main.js'), 'pipeline', 'run', '--help'],
    {
      cwd: repoRoot,
      timeoutMs: 60_000,
    },
  );
  const text = `${out.stdout}\n${out.stderr}`;
  if (out.code === 0 && !/unknown command/i.test(text)) return undefined;
  return `sluice pipeline run is not available in this build (\`sluice pipeline run --help\` exited ${out.code}: ${text.trim().split('\n')[0]})`;
}

export interface StreamsApp {
  classpath: string;
  /** What was built from what, for the report. */
  version: string;
}

/**
 * Builds the Streams app with `mvn -q -B package` unless target/ holds a build of the same
 * sources (pom.xml and the Java files, hashed). Resolves to the reason when Maven or Java is missing
 * or the build fails.
 */
export async function buildStreamsApp(repoRoot: string): Promise<StreamsApp | { error: string }> {
  const dir = join(repoRoot, STREAMS_DIR);
  for (const tool of ['java', 'mvn']) {
    const found = await run('bash', ['-c', `command -v ${tool}`], { timeoutMs: 10_000 });
    if (found.code !== 0)
      return { error: `${tool} is not installed: the Kafka Streams side needs Java 17+ and Maven` };
  }
  const hash = createHash('sha256');
  const sources = join(dir, 'src/main/java/dev/sluice/bench');
  for (const file of [
    'pom.xml',
    ...readdirSync(sources).map((f) => join('src/main/java/dev/sluice/bench', f)),
  ].sort()) {
    hash.update(file).update(readFileSync(join(dir, file)));
  }
  const digest = hash.digest('hex');
  const stamp = join(dir, 'target', '.sources-sha256');
  const jar = join(dir, 'target', 'pipeline-streams.jar');
  const cached = existsSync(jar) && existsSync(stamp) && readFileSync(stamp, 'utf8') === digest;
  if (!cached) {
    // copy-dependencies never removes a jar: start from an empty target/lib.
    rmSync(join(dir, 'target'), { recursive: true, force: true });
    const built = await run('mvn', ['-q', '-B', 'package'], { cwd: dir, timeoutMs: 15 * 60_000 });
    if (built.code !== 0) {
      return {
        error: `mvn -q -B package in ${STREAMS_DIR} failed: ${(built.stdout + built.stderr).trim().slice(-1500)}`,
      };
    }
    writeFileSync(stamp, digest);
  }
  const pom = readFileSync(join(dir, 'pom.xml'), 'utf8');
  const prop = (name: string) => new RegExp(`<${name}>([^<]+)</${name}>`).exec(pom)?.[1] ?? '?';
  return {
    classpath: `${jar}:${join(dir, 'target', 'lib', '*')}`,
    version: `Kafka Streams ${prop('kafka.version')}, Jackson ${prop('jackson.version')}, networknt json-schema-validator ${prop('schema-validator.version')}`,
  };
}

export function streamsCommand(threads: number): string {
  return `java -cp "${STREAMS_DIR}/target/pipeline-streams.jar:${STREAMS_DIR}/target/lib/*" ${STREAMS_MAIN} ${streamsArgs('HOST:PORT', 'order.schema.json').join(' ')} --threads ${threads} --state-dir DIR`;
}

function spawnLogged(command: string, args: string[], cwd: string, logPath: string): RunningProcessor {
  const log = createWriteStream(logPath);
  const { child, exited } = start(command, args, { cwd });
  const pid = child.pid ?? -1;
  const startUnixMs = procStat(pid)?.startUnixMs ?? Date.now();
  let stdout = '';
  child.stdout?.setEncoding('utf8').on('data', (s: string) => {
    stdout += s;
    log.write(s);
  });
  child.stderr?.pipe(log, { end: false });
  let exit: string | undefined;
  void exited.then(({ code, signal }) => {
    exit = `exited with ${signal ?? `code ${code}`}`;
  });
  return {
    pid,
    startUnixMs,
    exitReason: () => exit,
    exited,
    logTail: (lines) => tailFile(logPath, lines),
    stdout: () => stdout,
    async stop() {
      if (exit !== undefined) return `had already ${exit}`;
      // A JVM stopped by SIGTERM exits 143 after its shutdown hooks.
      return stopSpawned({ child, exited }, log, STOP_TIMEOUT_MS, [0, 143], true);
    },
  };
}

export function startSluicePipeline(
  repoRoot: string,
  bootstrap: string,
  config: string,
  workDir: string,
  profileDir?: string,
) {
  const profile = profileDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', profileDir];
  return spawnLogged(
    process.execPath,
    [
      ...profile,
      join(repoRoot, 'dist/src/cli/main.js'),
      'pipeline',
      'run',
      '--bootstrap',
      bootstrap,
      '--config',
      config,
    ],
    repoRoot,
    join(workDir, 'pipeline.log'),
  );
}

export function startStreamsApp(
  repoRoot: string,
  app: StreamsApp,
  bootstrap: string,
  schemaFile: string,
  threads: number,
  workDir: string,
) {
  return spawnLogged(
    'java',
    [
      '-cp',
      app.classpath,
      STREAMS_MAIN,
      ...streamsArgs(bootstrap, schemaFile),
      '--threads',
      String(threads),
      '--state-dir',
      join(workDir, 'streams-state'),
    ],
    repoRoot,
    join(workDir, 'streams.log'),
  );
}

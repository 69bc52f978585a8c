// The compatibility matrix's rows: one adapter per real client. Each runs every scenario of
// scenarios.ts as `<command...> --bootstrap HOST:PORT --prefix P` (working directory: the repo
// root) and prints one JSON line per scenario; see scenarios.ts for the contract.
//
// To add a client, append an entry to ADAPTERS (in the marked place for Go and Java). `requires`
// names executables that must be on PATH: without one, the runner marks the row "skipped (no X)"
// instead of failing; `unavailable` says why a row cannot run here for another reason (the Python
// clients' virtualenv is not installed). `prepare` runs once before any broker starts (e.g. `go build`), with
// PREPARE_TIMEOUT_MS; when it fails, every cell of the row fails.

import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../helpers/repo-root.js';

export interface AdapterEntry {
  /** Row name in the matrix, and the `<client>` in "not supported by <client>". */
  readonly client: string;
  /** What is tested, e.g. "1.7.0 (librdkafka 2.0.2)": shown in docs/compatibility.md. */
  readonly version: string;
  /** Run from the repo root with `--bootstrap HOST:PORT --prefix P` appended. */
  readonly command: readonly string[];
  /** Executables that must be on PATH, else the row is skipped ("skipped (no go)"). */
  readonly requires?: readonly string[];
  /** Why the row cannot run here though its executables exist, else null: skipped with this. */
  readonly unavailable?: string | null;
  /** Run once from the repo root before the brokers start; a failure fails the row. */
  readonly prepare?: readonly string[];
}

export const PREPARE_TIMEOUT_MS = 300_000;

const ROOT = repoRoot();
const PEERS = process.env.SLUICE_PEERS_DIR ?? join(ROOT, '.peers');
/** Debian's python3-confluent-kafka and python3-kafka import only under this interpreter. */
const DEBIAN_PYTHON = process.env.SLUICE_PYTHON ?? '/usr/bin/python3';
/** The virtualenv of scripts/peers/install-python-clients.sh: the clients' PyPI releases. */
const VENV = join(PEERS, 'python');
const VENV_PYTHON = join(VENV, 'bin', 'python');
const MATRIX = 'test/compat/matrix/adapters';

/** Null when the venv is complete (the installer writes its marker last), else why not. */
function venvMissing(): string | null {
  try {
    if (readdirSync(VENV).some((f) => f.startsWith('.installed-'))) return null;
  } catch {
    // no venv at all
  }
  return 'no .peers/python: scripts/peers/install-python-clients.sh did not run or failed';
}

/** The first line a command prints, or `fallback` when it cannot run. */
function probe(cmd: string, args: string[], fallback: string): string {
  try {
    const out = execFileSync(cmd, args, {
      encoding: 'utf8',
      timeout: 15_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return out.trim().split('\n')[0] || fallback;
  } catch {
    return fallback;
  }
}

function npmVersion(name: string): string {
  try {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as {
      version: string;
    };
    return pkg.version;
  } catch {
    return 'not installed';
  }
}

function kcatVersion(): string {
  try {
    const out = execFileSync('kcat', ['-V'], { encoding: 'utf8', timeout: 15_000 });
    const m = /Version (\S+) .*librdkafka (\S+)/.exec(out);
    return m ? `${m[1]} (librdkafka ${m[2]})` : 'unknown';
  } catch {
    return 'not installed';
  }
}

/**
 * confluent-kafka and kafka-python under one interpreter: the venv's (PyPI releases, the main
 * rows) or Debian's (the distribution's packages, rows suffixed " (Debian)").
 */
function pythonRows(python: string, suffix: string, unavailable: string | null): AdapterEntry[] {
  const version = (code: string): string =>
    unavailable ? 'not installed' : probe(python, ['-c', code], 'not installed');
  return [
    {
      client: `confluent-kafka${suffix}`,
      version: version(
        // version() is a (string, int) pair in 1.x, the bare string in 2.x.
        'import confluent_kafka as c; v = c.version(); print("%s (librdkafka %s)" % (v[0] if isinstance(v, tuple) else v, c.libversion()[0]))',
      ),
      command: [python, `${MATRIX}/confluent_adapter.py`],
      requires: [python],
      unavailable,
    },
    {
      client: `kafka-python${suffix}`,
      version: version('import kafka; print(kafka.__version__)'),
      command: [python, `${MATRIX}/kafkapy_adapter.py`],
      requires: [python],
      unavailable,
    },
  ];
}

export const ADAPTERS: readonly AdapterEntry[] = [
  {
    client: 'kcat',
    version: kcatVersion(),
    command: [process.execPath, 'dist/test/compat/matrix/adapters/kcat.js'],
    requires: ['kcat'],
  },
  ...pythonRows(VENV_PYTHON, '', venvMissing()),
  ...pythonRows(DEBIAN_PYTHON, ' (Debian)', null),
  {
    client: 'kafkajs',
    version: npmVersion('kafkajs'),
    command: [process.execPath, `${MATRIX}/kafkajs.mjs`],
  },
  {
    client: '@platformatic/kafka',
    version: npmVersion('@platformatic/kafka'),
    command: [process.execPath, `${MATRIX}/platformatic.mjs`],
  },

  // ---- Go adapters (franz-go, sarama) and the Java client / Apache Kafka CLI tools: add below. ----
  // Go: one module per adapter, versions pinned in its go.mod; build.sh builds it into
  // test/compat/matrix/go/bin/ (git-ignored). Java: kafka-clients of the reference Kafka install
  // (scripts/peers/install-kafka.sh, a no-op once installed), run as a Java 17 single-file program.
  ...((): AdapterEntry[] => {
    const pinned = (file: string, re: RegExp) => re.exec(readFileSync(join(ROOT, file), 'utf8'))?.[1] ?? '?';
    const franz = 'test/compat/matrix/go/franz/go.mod';
    const kafka = pinned('scripts/peers/kafka/pom.xml', /<kafka\.version>([^<]+)</);
    const libs = join(PEERS, 'kafka', 'libs', '*');
    return [
      {
        client: 'franz-go',
        version: `${pinned(franz, /twmb\/franz-go (v\S+)/)} (kadm ${pinned(franz, /franz-go\/pkg\/kadm (v\S+)/)})`,
        command: ['test/compat/matrix/go/bin/franz'],
        requires: ['go'],
        prepare: ['bash', 'test/compat/matrix/go/build.sh', 'franz'],
      },
      {
        // config.Version is sarama.MaxVersion (V4_3_1_0 in v1.61.1) unless SARAMA_VERSION=x.y.z.
        client: 'sarama',
        version: `${pinned('test/compat/matrix/go/sarama/go.mod', /IBM\/sarama (v\S+)/)} (config.Version ${process.env.SARAMA_VERSION ?? '4.3.1'})`,
        command: ['test/compat/matrix/go/bin/sarama'],
        requires: ['go'],
        prepare: ['bash', 'test/compat/matrix/go/build.sh', 'sarama'],
      },
      {
        client: 'java',
        version: `kafka-clients ${kafka}`,
        command: [
          'java',
          '-Xmx512m',
          '-XX:+UseSerialGC',
          '-XX:TieredStopAtLevel=1',
          '-cp',
          libs,
          'test/compat/matrix/java/JavaAdapter.java',
        ],
        requires: ['java'],
        prepare: ['bash', 'scripts/peers/install-kafka.sh'],
      },
      {
        client: 'kafka-cli',
        version: `Apache Kafka ${kafka} CLI tools`,
        command: ['bash', 'test/compat/matrix/java/kafka-cli.sh'],
        requires: ['java'],
        prepare: ['bash', 'scripts/peers/install-kafka.sh'],
      },
    ];
  })(),
  // ---- end of Go and Java adapters ----
];

// `sluice config set|get|list|history|rm`: the config server's values from a terminal. It speaks
// the server's admin API (/api/config) only, so it works against `sluice start` and a standalone
// `sluice config-server` alike; a change made here is versioned, kept in the history and
// announced on Spring Cloud Bus by the server. Secrets are never shown (the server masks them).

import { userInfo } from 'node:os';
import {
  type Command,
  type CommandContext,
  HELP_OPTION,
  type ParsedCommandLine,
  parseCommandLine,
  positionalArgs,
} from '../args.js';
import { CliError, UsageError } from '../errors.js';
import { formatTable } from '../table.js';

const DEFAULT_URL = 'http://127.0.0.1:8080';

const usage = `Usage: sluice config <set|get|list|history|rm> [options]

  sluice config set APP[,PROFILE] KEY VALUE [--secret] [--author NAME]
  sluice config get APP[,PROFILE] KEY
  sluice config list [APP[,PROFILE]]
  sluice config history [APP[,PROFILE] [KEY]]
  sluice config rm APP[,PROFILE] KEY [--author NAME]

The values Spring Cloud Config clients (and sluice/config) load: APP 'application' is shared by
every application, PROFILE 'default' (when omitted) holds the values of no profile. Each change
gets a version, is kept in the history and refreshes the application's services over the bus.

Options:
  --url URL        the server (default: $SLUICE_URL or ${DEFAULT_URL}; a standalone
                   'sluice config-server' listens on http://127.0.0.1:8888)
  --label LABEL    the label (default: the server's, main)
  --secret         set: store the value encrypted (the server needs ENCRYPT_KEY); it is
                   served decrypted to clients and shown as ****** everywhere else
  --author NAME    set, rm: who made the change (default: $USER)
  --token TOKEN    X-Config-Token, when the server requires one (default:
                   $SLUICE_CONFIG_SERVER_TOKEN, the server's own variable)
  -h, --help       show this help

Examples:
  sluice config set orders greeting hello
  sluice config set orders,dev db.password s3cret --secret
  sluice config list orders
  sluice config history orders greeting`;

const OPTIONS = {
  ...HELP_OPTION,
  url: { type: 'string' },
  label: { type: 'string' },
  secret: { type: 'boolean' },
  author: { type: 'string' },
  token: { type: 'string' },
} as const;

type Values = ParsedCommandLine<typeof OPTIONS>['values'];

interface Property {
  application: string;
  profile: string;
  label: string;
  key: string;
  value: string;
  version: number;
  author: string;
  time: string;
}

interface HistoryEntry extends Omit<Property, 'value'> {
  operation: 'set' | 'rm';
  value?: string;
}

const ARGS: Record<string, { names: string[]; min: number }> = {
  set: { names: ['APP[,PROFILE]', 'KEY', 'VALUE'], min: 3 },
  get: { names: ['APP[,PROFILE]', 'KEY'], min: 2 },
  list: { names: ['APP[,PROFILE]'], min: 0 },
  history: { names: ['APP[,PROFILE]', 'KEY'], min: 0 },
  rm: { names: ['APP[,PROFILE]', 'KEY'], min: 2 },
};

function appProfile(text: string | undefined): { application?: string; profile?: string } {
  if (text === undefined) return {};
  const [application = '', profile] = text.split(',', 2);
  if (application === '') throw new UsageError(`APP must not be empty in '${text}'`, usage);
  return { application, profile: profile === undefined || profile === '' ? 'default' : profile };
}

function baseUrl(values: Values, env: NodeJS.ProcessEnv): string {
  const raw = values.url ?? (env.SLUICE_URL || DEFAULT_URL);
  try {
    const url = new URL(raw);
    if (url.protocol === 'http:' || url.protocol === 'https:') return raw.replace(/\/+$/, '');
  } catch {
    // reported below
  }
  throw new UsageError(`--url must be an http:// or https:// URL, got '${raw}'`, usage);
}

async function call<T>(
  url: string,
  init: { method?: string; body?: unknown; token?: string | undefined } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (init.token) headers['x-config-token'] = init.token;
  let res: Response;
  try {
    res = await fetch(url, {
      method: init.method ?? 'GET',
      headers,
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    throw new CliError(`cannot reach ${new URL(url).origin} (${cause?.code ?? (error as Error).message})`);
  }
  const text = await res.text();
  if (!res.ok) {
    let message = text.replace(/\s+/g, ' ').trim().slice(0, 300);
    try {
      const body = JSON.parse(text) as { error?: { message?: string; hint?: string } };
      if (body.error?.message)
        message = body.error.message + (body.error.hint ? ` (${body.error.hint})` : '');
    } catch {
      // not ours: shown as it came
    }
    throw new CliError(
      `HTTP ${res.status}: ${message}`,
      res.status === 404 ? 'NOT_FOUND' : 'INVALID_ARGUMENT',
    );
  }
  return JSON.parse(text) as T;
}

const who = (values: Values, env: NodeJS.ProcessEnv) => {
  if (values.author !== undefined) return values.author;
  if (env.USER) return env.USER;
  try {
    return userInfo().username;
  } catch {
    return 'anonymous';
  }
};

async function run(argv: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, OPTIONS, usage);
  if (values.help) {
    context.stdout.write(`${usage}\n`);
    return 0;
  }
  const [subcommand, ...rest] = positionals;
  if (subcommand === undefined)
    throw new UsageError('missing subcommand (set, get, list, history or rm)', usage);
  const spec = ARGS[subcommand];
  if (spec === undefined) throw new UsageError(`unknown subcommand 'config ${subcommand}'`, usage);
  if (rest.length < spec.min) positionalArgs(rest, spec.names.slice(0, spec.min), usage);
  if (rest.length > spec.names.length) positionalArgs(rest, spec.names, usage);
  if (values.secret && subcommand !== 'set') throw new UsageError('--secret applies to set only', usage);
  if (values.author !== undefined && subcommand !== 'set' && subcommand !== 'rm') {
    throw new UsageError(`option '--author' does not apply to 'config ${subcommand}'`, usage);
  }

  const base = `${baseUrl(values, context.env)}/api/config`;
  const token = values.token ?? (context.env.SLUICE_CONFIG_SERVER_TOKEN || undefined);
  const { application, profile } = appProfile(rest[0]);
  const key = rest[1];
  const query = (params: Record<string, string | undefined>) => {
    const search = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined) search.set(k, v);
    const text = search.toString();
    return text === '' ? '' : `?${text}`;
  };
  const one = () =>
    `${base}/properties/${[application, profile, key].map((p) => encodeURIComponent(p ?? '')).join('/')}`;
  const labelQuery = query({ label: values.label });

  switch (subcommand) {
    case 'set': {
      const body = { value: rest[2], secret: values.secret ?? false, author: who(values, context.env) };
      const p = await call<Property>(`${one()}${labelQuery}`, { method: 'PUT', body, token });
      context.stdout.write(
        `set ${p.application},${p.profile} ${p.key} (version ${p.version}, label ${p.label})\n`,
      );
      return 0;
    }
    case 'get': {
      const p = await call<Property>(`${one()}${labelQuery}`, { token });
      context.stdout.write(`${p.value}\n`);
      return 0;
    }
    case 'rm': {
      const url = `${one()}${query({ label: values.label, author: who(values, context.env) })}`;
      const r = await call<Property>(url, { method: 'DELETE', token });
      context.stdout.write(
        `removed ${r.application},${r.profile} ${r.key} (version ${r.version}, label ${r.label})\n`,
      );
      return 0;
    }
    case 'list': {
      const url = `${base}/properties${query({ application, profile: rest[0]?.includes(',') ? profile : undefined, label: values.label })}`;
      const { properties } = await call<{ properties: Property[] }>(url, { token });
      const rows = properties.map((p) => [
        p.application,
        p.profile,
        p.label,
        p.key,
        p.value,
        String(p.version),
        p.author,
      ]);
      context.stdout.write(
        formatTable(['APPLICATION', 'PROFILE', 'LABEL', 'KEY', 'VALUE', 'VERSION', 'AUTHOR'], rows),
      );
      return 0;
    }
    default: {
      const params = {
        application,
        profile: rest[0]?.includes(',') ? profile : undefined,
        key,
        label: values.label,
      };
      const { changes } = await call<{ changes: HistoryEntry[] }>(`${base}/history${query(params)}`, {
        token,
      });
      const rows = changes.map((c) => [
        String(c.version),
        c.time,
        c.author,
        c.operation,
        `${c.application},${c.profile}`,
        c.label,
        c.key,
        c.value ?? '-',
      ]);
      context.stdout.write(
        formatTable(['VERSION', 'TIME', 'AUTHOR', 'OP', 'APP,PROFILE', 'LABEL', 'KEY', 'VALUE'], rows),
      );
      return 0;
    }
  }
}

export const configCommand: Command = {
  name: 'config',
  summary: 'set, get, list and remove config server values, and show their history',
  usage,
  run,
};

// `sluice logs tail`: Loki's live tail over WebSocket, printed as entries arrive until Ctrl-C.

// `ws`, not Node's global WebSocket: that one hides a refused upgrade's status and body (a bad
// query's reason), the connect error's code, and cannot pause reading for a slow stdout.
import WebSocket from 'ws';
import type { CommandContext } from '../args.js';
import { CliError } from '../errors.js';
import { formatEntry, type LokiStream, type OutputMode, streamEntries } from './entry-output.js';
import { apiUrl } from './loki-http.js';

export interface TailSettings {
  base: URL;
  query: string;
  startNs: bigint;
  limit: number;
  output: OutputMode;
  colour: boolean;
}

interface TailMessage {
  streams?: LokiStream[];
  dropped_entries?: unknown[] | null;
}

/** How long a Ctrl-C waits for the server to acknowledge the close before exiting anyway. */
const CLOSE_WAIT_MS = 1000;

function tailUrl(settings: TailSettings): URL {
  const url = apiUrl(settings.base, 'loki/api/v1/tail', {
    query: settings.query,
    start: String(settings.startNs),
    limit: String(settings.limit),
  });
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url;
}

/** Why the server ended the tail, in one line. 1008 (policy violation) carries a bad query's reason. */
function closeReason(code: number, reason: string): string {
  if (code === 1008 && reason) return reason;
  if (code === 1011) return `the tail failed on the server: ${reason || 'internal error'}`;
  return `the server closed the tail (code ${code}${reason ? `: ${reason}` : ''})`;
}

/** Resolves to 0 after a signal or a closed stdout; rejects with a CliError when the server ends it. */
export function runTail(settings: TailSettings, context: CommandContext): Promise<number> {
  const { stdout: out, stderr: err } = context;
  const url = tailUrl(settings);
  const socket = new WebSocket(url);
  let stopping = false;
  let failure: CliError | undefined;

  return new Promise<number>((resolve, reject) => {
    const stop = () => {
      if (stopping) return;
      stopping = true;
      if (socket.readyState === WebSocket.CONNECTING || socket.readyState === WebSocket.OPEN) {
        socket.close(1000);
        setTimeout(() => socket.terminate(), CLOSE_WAIT_MS).unref();
      } else finish();
    };
    const finish = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      if (stopping) resolve(0);
      else reject(failure ?? new CliError('the tail connection ended'));
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    // `sluice logs tail ... | head`: a closed stdout ends the tail like Ctrl-C.
    out.once('error', stop);

    socket.on('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => {
        const text = body.replace(/\s+/g, ' ').trim().slice(0, 300);
        failure = new CliError(
          res.statusCode === 400 && text
            ? text
            : `HTTP ${res.statusCode} from ${url.pathname}${text ? `: ${text}` : ''}`,
        );
        socket.terminate();
      });
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      failure ??= new CliError(`cannot reach ${settings.base.origin} (${error.code ?? error.message})`);
    });
    socket.on('close', (code, reason) => {
      if (!stopping) failure ??= new CliError(closeReason(code, reason.toString('utf8')));
      finish();
    });
    socket.on('message', (data) => {
      let message: TailMessage;
      try {
        message = JSON.parse(data.toString()) as TailMessage;
      } catch {
        failure = new CliError('the server sent a tail message that is not JSON');
        socket.terminate();
        return;
      }
      const dropped = message.dropped_entries?.length ?? 0;
      if (dropped > 0) {
        err.write(`sluice: warning: the server dropped ${dropped} entries: this tail did not keep up\n`);
      }
      let writable = true;
      for (const entry of streamEntries(message.streams ?? [], false)) {
        writable = out.write(formatEntry(entry, settings.output, settings.colour));
      }
      // A slow terminal or pipe: stop reading, so the server sees it and drops (and reports) lines
      // rather than this process buffering without bound.
      if (!writable) {
        socket.pause();
        out.once('drain', () => socket.resume());
      }
    });
  });
}

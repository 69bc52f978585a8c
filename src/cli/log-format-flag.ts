// `--log-format human|json`, shared by `sluice start` and `sluice broker`: how the process's log
// lines on stderr look (src/platform/log-format.ts writes them).

// The light file, not the platform's door: `sluice broker` alone must not load the HTTP server.
import { defaultLogFormat, LOG_FORMATS, type LogFormat } from '../platform/log-format.js';
import { choiceOption } from './args.js';

export const LOG_FORMAT_FLAG_SPEC = { 'log-format': { type: 'string' } } as const;

export const LOG_FORMAT_HELP = `  --log-format F    log lines on stderr: 'human' (one readable line each) or 'json' (pino's);
                    default: human when stderr is a terminal, json otherwise`;

/** The flag's value, or the default for where stderr goes; a bad value is a usage error. */
export function logFormatOption(value: string | undefined, stderr: NodeJS.WritableStream): LogFormat {
  return choiceOption(value, 'log-format', LOG_FORMATS) ?? defaultLogFormat(stderr as { isTTY?: boolean });
}

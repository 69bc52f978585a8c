// `sluice pipeline replay`: a dead-letter topic's messages produced again, with a progress line on
// a terminal and a summary at the end.

import { type ReplayOptions, replayDeadLetters } from '../../pipeline/index.js';
import type { CommandContext } from '../args.js';

export async function runReplay(
  options: Omit<ReplayOptions, 'progress'>,
  context: CommandContext,
): Promise<number> {
  const tty = (context.stderr as NodeJS.WriteStream).isTTY === true;
  const progress = tty
    ? (read: number, total: number) => {
        const width = 30;
        const done = total === 0 ? width : Math.round((read / total) * width);
        context.stderr.write(`\r[${'#'.repeat(done)}${' '.repeat(width - done)}] ${read}/${total}`);
      }
    : undefined;
  const result = await replayDeadLetters({ ...options, ...(progress === undefined ? {} : { progress }) });
  if (tty) context.stderr.write('\n');
  const where = Object.entries(result.topics)
    .map(([topic, count]) => `${count} to ${topic}`)
    .join(', ');
  context.stdout.write(
    `replayed ${result.replayed} of ${result.read} dead letter(s)${where ? ` (${where})` : ''}; ` +
      `${result.skipped} skipped by the filter or time range, ${result.unknownOrigin} without an original topic\n`,
  );
  return 0;
}

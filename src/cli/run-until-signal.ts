// Long-running commands (broker, start) stay up until SIGINT/SIGTERM, then close cleanly;
// a second signal while closing exits at once.

import type { CommandContext } from './args.js';

/** Listens for signals at once (whoever reads the ready line may signal immediately). */
export function signalWatcher(): Promise<NodeJS.Signals> {
  return new Promise((done) => {
    process.once('SIGINT', () => done('SIGINT'));
    process.once('SIGTERM', () => done('SIGTERM'));
  });
}

export async function closeOnSignal(
  stopping: Promise<NodeJS.Signals>,
  name: string,
  context: CommandContext,
  close: () => Promise<void>,
): Promise<number> {
  const signal = await stopping;
  const forceExit = () => process.exit(1);
  process.once('SIGINT', forceExit);
  process.once('SIGTERM', forceExit);
  context.stderr.write(`${name}: ${signal} received, closing\n`);
  await close();
  return 0;
}

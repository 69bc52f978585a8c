// Run as a child process by the pino transport tests: logs N lines through `sluice/pino` and ends
// the way MODE says, as a service would. Env: BOOTSTRAP, TOPIC, SERVICE, LINES, MODE
// (`natural`: let the event loop empty; `exit`: process.exit(0) right after the last line;
// `flush`: logger.flush(cb), print "flushed", then exit).

import { pino } from 'pino';

const env = process.env;
const lines = Number(env.LINES ?? '100');
const transport = pino.transport({
  target: 'sluice/pino',
  options: {
    bootstrap: [env.BOOTSTRAP ?? ''],
    topic: env.TOPIC,
    service: env.SERVICE ?? 'child',
    maxBufferedLines: Number(env.MAX_LINES ?? '100000'),
  },
});
const logger = pino({ name: env.SERVICE }, transport);

for (let i = 0; i < lines; i++) logger.info({ seq: i }, `line ${i}`);
logger.error({ seq: lines }, 'last line');

if (env.MODE === 'exit') {
  process.exit(0);
} else if (env.MODE === 'flush') {
  logger.flush((error) => {
    process.stdout.write(error ? `flush failed: ${error.message}\n` : 'flushed\n');
  });
}

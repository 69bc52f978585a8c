// A connect timeout → 504. An upstream whose connections never complete: a socket that listens
// (backlog 0) and never accepts, its one queue slot taken, so Linux drops further SYNs. Node
// always accepts, so the listener is a python3 one-liner; the test is skipped without python3.

import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { pino } from 'pino';
import { startGateway } from '../../../src/gateway/index.js';

const LISTEN_NEVER_ACCEPT =
  "import socket,sys\ns=socket.socket();s.bind(('127.0.0.1',0));s.listen(0)\nprint(s.getsockname()[1],flush=True)\nsys.stdin.read()";
const hasPython = spawnSync('python3', ['--version']).status === 0;

describe('upstream connect timeout', { skip: hasPython ? false : 'python3 is not installed' }, () => {
  let listener: ChildProcess | undefined;
  let filler: Socket | undefined;

  after(() => {
    filler?.destroy();
    listener?.kill();
  });

  it("answers 504 when the upstream does not accept within the route's connect timeout", async () => {
    listener = spawn('python3', ['-c', LISTEN_NEVER_ACCEPT], { stdio: ['pipe', 'pipe', 'inherit'] });
    const port = Number(
      await new Promise<string>((resolve) =>
        listener?.stdout?.once('data', (d) => resolve(String(d).trim())),
      ),
    );
    // Takes the accept queue's one slot; the gateway's SYN is then dropped.
    filler = connect(port, '127.0.0.1');
    await new Promise((resolve) => filler?.once('connect', resolve));
    const gateway = await startGateway({
      config: {
        port: 0,
        routes: [{ id: 'stuck', uri: `http://127.0.0.1:${port}`, metadata: { 'connect-timeout': 100 } }],
      },
      logger: pino({ level: 'silent' }),
    });
    try {
      const response = await fetch(`${gateway.url}/x`);
      assert.equal(response.status, 504);
      const body = (await response.json()) as { message: string; route: string };
      assert.match(body.message, /took longer than 100 ms/);
      assert.equal(body.route, 'stuck');
    } finally {
      await gateway.close();
    }
  });
});

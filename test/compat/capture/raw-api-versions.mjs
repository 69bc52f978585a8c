// Capture driver: hand-made ApiVersions requests that no current client sends to a new broker,
// to record the broker's answers: v0 (the oldest form, as old clients and fallbacks send it) and
// an unsupported v127 (the broker answers in v0 with UNSUPPORTED_VERSION and its ranges).
//   node test/compat/capture/raw-api-versions.mjs 127.0.0.1:PORT

import { connect } from 'node:net';

const bootstrap = process.argv[2];
if (!bootstrap) throw new Error('usage: raw-api-versions.mjs BOOTSTRAP');
const [host, port] = [bootstrap.slice(0, bootstrap.lastIndexOf(':')), Number(bootstrap.split(':').pop())];
const clientId = Buffer.from('sluice-capture-raw');

function frame(body) {
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

function header(version, correlationId, flexible) {
  const h = Buffer.alloc(10);
  h.writeInt16BE(18, 0); // ApiVersions
  h.writeInt16BE(version, 2);
  h.writeInt32BE(correlationId, 4);
  h.writeInt16BE(clientId.length, 8);
  const parts = [h, clientId];
  if (flexible) parts.push(Buffer.from([0])); // no tagged fields
  return Buffer.concat(parts);
}

// v0: empty body. v127: header v2 and a v3+ body (client software name and version, no tags).
const compact = (s) => Buffer.concat([Buffer.from([Buffer.byteLength(s) + 1]), Buffer.from(s)]);
const requests = [
  frame(header(0, 1, false)),
  frame(Buffer.concat([header(127, 2, true), compact('sluice-capture'), compact('0.1.0'), Buffer.from([0])])),
];

const socket = connect({ host, port });
const timer = setTimeout(() => {
  console.error('raw capture: timed out');
  process.exit(1);
}, 15_000);
let pending = Buffer.alloc(0);
let answered = 0;
socket.on('connect', () => socket.write(requests[0]));
socket.on('data', (chunk) => {
  pending = Buffer.concat([pending, chunk]);
  while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
    const size = pending.readInt32BE(0);
    const correlationId = pending.readInt32BE(4);
    const errorCode = pending.readInt16BE(8);
    console.log(`raw capture: correlation ${correlationId}, error code ${errorCode}, ${size} bytes`);
    pending = pending.subarray(4 + size);
    answered += 1;
    if (answered < requests.length) socket.write(requests[answered]);
    else {
      clearTimeout(timer);
      socket.end();
    }
  }
});
socket.on('error', (e) => {
  console.error(`raw capture: ${e.message}`);
  process.exit(1);
});

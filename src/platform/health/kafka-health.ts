import { connect } from 'node:net';
import { ApiVersions, decodeResponse, encodeRequest, errorName } from '../../protocol/index.js';
import type { HealthIndicator } from './health.js';

const PROBE_VERSION = 0;

/**
 * The Kafka broker answers ApiVersions over the wire. A protocol probe rather than an in-process
 * flag, so the same check works when Sluice is pointed at Apache Kafka.
 */
export function kafkaIndicator(bootstrap: () => string, timeoutMs = 2000): HealthIndicator {
  return {
    name: 'broker',
    async check() {
      const address = bootstrap();
      const started = performance.now();
      const apiKeys = await probeApiVersions(address, timeoutMs);
      return {
        status: 'UP',
        details: { bootstrap: address, apiKeys, latencyMs: Math.round(performance.now() - started) },
      };
    },
  };
}

function probeApiVersions(address: string, timeoutMs: number): Promise<number> {
  const [host, port] = splitAddress(address);
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const fail = (err: Error) => {
      socket.destroy();
      reject(err);
    };
    socket.setTimeout(timeoutMs, () =>
      fail(new Error(`${address}: no ApiVersions answer in ${timeoutMs} ms`)),
    );
    socket.once('error', (err) => fail(new Error(`${address}: ${err.message}`)));
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length < 4 || buffered.length < 4 + buffered.readInt32BE(0)) return;
      socket.destroy();
      try {
        const { body } = decodeResponse(ApiVersions, PROBE_VERSION, buffered.subarray(4));
        if (body.errorCode !== 0) reject(new Error(`ApiVersions answered ${errorName(body.errorCode)}`));
        else resolve(body.apiKeys.length);
      } catch (err) {
        reject(err);
      }
    });
    socket.once('connect', () => {
      for (const chunk of encodeRequest(
        ApiVersions,
        PROBE_VERSION,
        { correlationId: 1, clientId: 'sluice-health' },
        {},
      ))
        socket.write(chunk);
    });
  });
}

function splitAddress(address: string): [string, number] {
  const first = address.split(',')[0].trim();
  const colon = first.lastIndexOf(':');
  return [first.slice(0, colon).replace(/^\[|\]$/g, ''), Number(first.slice(colon + 1))];
}

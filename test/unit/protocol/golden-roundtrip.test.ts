// Frames captured from real clients (and the real Apache Kafka's answers) decode with our codec
// and encode back to the very same bytes, for every API version we serve.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  ALL_APIS,
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  inRange,
} from '../../../src/protocol/index.js';
import { framesDir } from '../../helpers/repo-root.js';

interface IndexEntry {
  apiKey: number;
  api: string;
  version: number;
  request: string;
  response: string;
}

const root = framesDir();
const clients = readdirSync(root, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);
const byKey = new Map(ALL_APIS.map((api) => [api.key, api]));

describe('golden frames round-trip through the codec', () => {
  let checked = 0;
  for (const client of clients) {
    const index = JSON.parse(readFileSync(join(root, client, 'index.json'), 'utf8')) as IndexEntry[];
    for (const entry of index) {
      const api = byKey.get(entry.apiKey);
      const served = api && inRange(entry.version, api.versions);
      it(`${client}: ${entry.api} v${entry.version}`, (t) => {
        if (!api || !served)
          return t.skip(
            `not served (${api ? `${api.name} ${api.versions.min}-${api.versions.max}` : 'unknown api'})`,
          );
        checked++;
        const request = readFileSync(join(root, client, entry.request));
        const req = decodeRequest(api, request.subarray(4));
        assert.equal(req.trailing, 0, 'request decoded to the last byte');
        const again = Buffer.concat(encodeRequest(api, entry.version, req.header, req.body));
        assert.deepEqual(again, request, 'request re-encodes to the same bytes');

        const response = readFileSync(join(root, client, entry.response));
        const res = decodeResponse(api, entry.version, response.subarray(4));
        assert.equal(res.trailing, 0, 'response decoded to the last byte');
        const encoded = Buffer.concat(encodeResponse(api, entry.version, res.correlationId, res.body));
        assert.deepEqual(encoded, response, 'response re-encodes to the same bytes');
      });
    }
  }
  it('covers a real share of the captured frames', () => {
    assert.ok(checked >= 60, `only ${checked} frames were in served versions`);
  });
});

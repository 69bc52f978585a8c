// The golden frames in test/fixtures/frames/ (recorded from real clients by
// scripts/peers/capture-frames.sh) are whole, named after what they hold, and paired.
// Codec tests build on these files: see README.md beside this file.

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { framesDir } from '../../../helpers/repo-root.js';

interface IndexEntry {
  apiKey: number;
  api: string;
  version: number;
  request: string;
  response: string;
  correlationId: number;
  clientId: string | null;
}

const root = framesDir();
const clients = existsSync(root)
  ? readdirSync(root, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
  : [];

describe('golden frames', () => {
  it('exist for several clients', () => {
    assert.ok(clients.length >= 5, `clients under ${root}: ${clients.join(', ')}`);
  });

  for (const client of clients) {
    it(`${client}: every pair is whole and matches its name and index`, () => {
      const index = JSON.parse(readFileSync(join(root, client, 'index.json'), 'utf8')) as IndexEntry[];
      const files = readdirSync(join(root, client)).filter((f) => f.endsWith('.bin'));
      assert.equal(files.length, index.length * 2, 'every .bin file is in index.json');
      for (const e of index) {
        const req = readFileSync(join(root, client, e.request));
        const res = readFileSync(join(root, client, e.response));
        assert.equal(req.readInt32BE(0), req.length - 4, `${e.request}: size prefix`);
        assert.equal(res.readInt32BE(0), res.length - 4, `${e.response}: size prefix`);
        assert.equal(req.readInt16BE(4), e.apiKey, `${e.request}: api key`);
        assert.equal(req.readInt16BE(6), e.version, `${e.request}: api version`);
        assert.equal(req.readInt32BE(8), e.correlationId, `${e.request}: correlation id`);
        assert.equal(res.readInt32BE(4), e.correlationId, `${e.response}: correlation id`);
        assert.ok(e.request.startsWith(`${e.api}-v${e.version}-req-`), e.request);
      }
    });
  }
});

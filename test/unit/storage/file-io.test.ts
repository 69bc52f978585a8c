import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { writeFileAtomic } from '../../../src/storage/file-io.js';
import { tempDir } from './make-batch.js';

const { dir, cleanup } = tempDir('file-io');
after(cleanup);

describe('writeFileAtomic', () => {
  it('bug 7: concurrent writes of one file all succeed, the last call wins, no temp file is left', async () => {
    const path = join(dir, 'checkpoint.json');
    const bodies = Array.from({ length: 20 }, (_, i) =>
      JSON.stringify({ write: i, pad: 'x'.repeat(i * 100) }),
    );
    const results = await Promise.allSettled(bodies.map((body) => writeFileAtomic(path, body)));
    const failed = results.filter((r) => r.status === 'rejected').map((r) => String(r.reason));
    assert.deepEqual(failed, []);
    assert.equal(readFileSync(path, 'utf8'), bodies[bodies.length - 1]);
    assert.deepEqual(readdirSync(dir), ['checkpoint.json']);
  });

  it('removes its temp file when the target cannot be replaced', async () => {
    const target = join(dir, 'blocked');
    mkdirSync(join(target, 'inside'), { recursive: true });
    writeFileSync(join(target, 'inside', 'f'), '');
    await assert.rejects(writeFileAtomic(target, 'data'), /cannot write/);
    assert.deepEqual(
      readdirSync(dir).filter((name) => name.endsWith('.tmp')),
      [],
    );
  });
});

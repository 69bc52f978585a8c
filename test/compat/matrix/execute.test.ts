// Why a matrix row is skipped: a missing executable, or a reason the adapter list gives itself
// (the Python clients' virtualenv not installed); neither starts a broker.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { missingRuntime, skippedOutcomes } from './execute.js';
import { SCENARIO_IDS } from './scenarios.js';

const base = { client: 'x', version: '1', command: ['x'] };

describe('missingRuntime', () => {
  it('is null when every required executable is there and nothing else is missing', () => {
    assert.equal(missingRuntime({ ...base, requires: [process.execPath, 'sh'] }), null);
  });

  it('names the first executable that is not there', () => {
    assert.equal(
      missingRuntime({ ...base, requires: ['sh', '/nonexistent/dir/python3', 'no-such-tool-here'] }),
      'no python3',
    );
    assert.equal(missingRuntime({ ...base, requires: ['no-such-tool-here'] }), 'no no-such-tool-here');
  });

  it("gives the row's own reason first, and it becomes every cell's skip detail", () => {
    const why = 'no .peers/python: scripts/peers/install-python-clients.sh did not run or failed';
    const reason = missingRuntime({ ...base, requires: ['sh'], unavailable: why });
    assert.equal(reason, why);
    const cells = skippedOutcomes(reason ?? '');
    assert.deepEqual(Object.keys(cells), [...SCENARIO_IDS]);
    for (const c of Object.values(cells))
      assert.deepEqual(c, { ok: null, detail: `skipped (${why})`, skipped: true });
  });
});

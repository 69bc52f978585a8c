// `sluice pipeline run` against Sluice's own broker (the cases: pipeline-suite.ts).

import { startTestBroker } from '../helpers/broker-fixture.js';
import { pipelineRunSuite } from './pipeline-suite.js';

pipelineRunSuite(
  "Sluice's broker",
  async () => {
    const broker = await startTestBroker();
    return { bootstrap: broker.bootstrap, stop: () => broker.dispose() };
  },
  false,
);

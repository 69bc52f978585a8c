// `sluice pipeline run` against Apache Kafka (scripts/peers/kafka.sh; skipped with the reason when
// it is not installed): the same cases as against Sluice's broker (pipeline-suite.ts).

import { startKafka } from '../compat/matrix/brokers.js';
import { peerMissing } from '../compat/peers.js';
import { pipelineRunSuite } from './pipeline-suite.js';

const noKafka = await peerMissing('kafka-tools');

pipelineRunSuite('Apache Kafka', async () => startKafka(), noKafka ?? false);

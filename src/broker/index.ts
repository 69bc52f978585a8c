// The broker's only door.
export type { BrokerOptions, TopicDefaults } from './config.js';
export { type RunningBroker, startBroker } from './start-broker.js';

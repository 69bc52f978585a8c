// The broker's only door.
export type { BrokerOptions, TopicDefaults } from './config.js';
export { type BrokerSection, brokerConfigSection, brokerOptionsFromSection } from './config-section.js';
export { type RunningBroker, startBroker } from './start-broker.js';

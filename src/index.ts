// Sluice as a library: `import { startBroker } from 'sluice'` runs an embedded broker.
export { type BrokerOptions, type RunningBroker, startBroker } from './broker/index.js';

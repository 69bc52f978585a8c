// The schema registry's only door: Confluent Schema Registry's REST API over a `_schemas` topic.
export { COMPATIBILITY_LEVELS, type CompatibilityLevel } from './compatibility.js';
export { DEFAULT_SCHEMAS_CONFIG, type SchemasConfig, schemasConfigSection } from './config.js';
export { SchemaRegistryError } from './errors.js';
export { isSerializedProto, type LoadedProto, loadProto, type ProtoFile } from './formats/protobuf-files.js';
export { decodeRecord, type RegistryRecord, type SchemaReference, type SchemaType } from './records.js';
export { type RunningRegistry, type StartRegistryOptions, startSchemaRegistry } from './start-registry.js';

// The schema registry's errors: SluiceErrors that also carry Confluent's error code and HTTP status,
// since Confluent's clients read `error_code` (40401, 42201, ...) to tell one failure from another.

import { SluiceError, type SluiceErrorCode } from '../errors/index.js';

/** Confluent's HTTP status for each family of its error codes (the first three digits). */
function sluiceCodeOf(status: number): SluiceErrorCode {
  if (status === 404) return 'NOT_FOUND';
  if (status === 409) return 'CONFLICT';
  if (status === 413) return 'PAYLOAD_TOO_LARGE';
  if (status === 415) return 'UNSUPPORTED_MEDIA_TYPE';
  if (status >= 500) return 'UNAVAILABLE';
  return 'INVALID_ARGUMENT';
}

export class SchemaRegistryError extends SluiceError {
  /** Confluent's `error_code`: 40401, 42201, ... (409 alone for an incompatible schema). */
  readonly errorCode: number;
  readonly #status: number;

  constructor(errorCode: number, message: string, options: { status?: number; cause?: unknown } = {}) {
    const status = options.status ?? (errorCode < 1000 ? errorCode : Math.floor(errorCode / 100));
    super(sluiceCodeOf(status), message, options.cause === undefined ? {} : { cause: options.cause });
    this.errorCode = errorCode;
    this.#status = status;
  }

  override get httpStatus(): number {
    return this.#status;
  }
}

// Confluent's codes and wording, written as functions so a message always names what was asked.
export const subjectNotFound = (subject: string) =>
  new SchemaRegistryError(40401, `Subject '${subject}' not found.`);
export const versionNotFound = (version: number | string) =>
  new SchemaRegistryError(40402, `Version ${version} not found.`);
export const schemaNotFound = (id?: number) =>
  new SchemaRegistryError(40403, id === undefined ? 'Schema not found' : `Schema ${id} not found`);
export const subjectSoftDeleted = (subject: string) =>
  new SchemaRegistryError(
    40404,
    `Subject '${subject}' was soft deleted. Set permanent=true to delete permanently`,
  );
export const subjectNotSoftDeleted = (subject: string) =>
  new SchemaRegistryError(
    40405,
    `Subject '${subject}' was not deleted first before being permanently deleted`,
  );
export const versionSoftDeleted = (subject: string, version: number) =>
  new SchemaRegistryError(
    40406,
    `Subject '${subject}' Version ${version} was soft deleted. Set permanent=true to delete permanently`,
  );
export const versionNotSoftDeleted = (subject: string, version: number) =>
  new SchemaRegistryError(
    40407,
    `Subject '${subject}' Version ${version} was not deleted first before being permanently deleted`,
  );
export const subjectConfigNotSet = (subject: string) =>
  new SchemaRegistryError(40408, `Subject '${subject}' does not have subject-level compatibility configured`);
export const subjectModeNotSet = (subject: string) =>
  new SchemaRegistryError(40409, `Subject '${subject}' does not have subject-level mode configured`);
export const incompatibleSchema = (messages: readonly string[]) =>
  new SchemaRegistryError(
    409,
    `Schema being registered is incompatible with an earlier schema for subject; details: ${JSON.stringify(messages)}`,
  );
export const invalidSchema = (message: string) => new SchemaRegistryError(42201, message);
export const invalidVersion = (version: string) =>
  new SchemaRegistryError(
    42202,
    `The specified version '${version}' is not a valid version id. ` +
      'Allowed values are between [1, 2^31-1] and the string "latest"',
  );
export const invalidCompatibility = (given: unknown) =>
  new SchemaRegistryError(
    42203,
    `Invalid compatibility level '${String(given)}'. Valid values are none, backward, forward, full, ` +
      'backward_transitive, forward_transitive, and full_transitive',
  );
export const invalidMode = (given: unknown) =>
  new SchemaRegistryError(
    42204,
    `Invalid mode '${String(given)}'. Valid values are READWRITE, READONLY, READONLY_OVERRIDE and IMPORT`,
  );
export const operationNotPermitted = (message: string) => new SchemaRegistryError(42205, message);
export const schemaTooLarge = (bytes: number, limit: number) =>
  new SchemaRegistryError(
    42209,
    `Schema of ${bytes} bytes is larger than the ${limit} bytes this registry accepts (schemas.maxSchemaBytes)`,
  );
export const storeError = (message: string, cause?: unknown) =>
  new SchemaRegistryError(50001, message, { cause });
export const storeTimeout = (message: string) => new SchemaRegistryError(50002, message);
/** A request body or parameter that is not what the API takes (Confluent: 400 or 422 with 422xx). */
export const badRequest = (message: string) => new SchemaRegistryError(400, message);

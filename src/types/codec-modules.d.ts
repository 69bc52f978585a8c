// Type declarations for the two pure-JS codecs that ship none (lz4js is used by tests only).
declare module 'lz4js' {
  export function compress(src: Uint8Array, maxSize?: number): Uint8Array;
  export function decompress(src: Uint8Array, maxSize?: number): Uint8Array;
}
declare module 'snappyjs' {
  export function compress(src: Uint8Array): Uint8Array;
  export function uncompress(src: Uint8Array, maxLength?: number): Uint8Array;
}

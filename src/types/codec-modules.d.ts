// Type declarations for the two pure-JS codecs that ship none.
declare module 'lz4js' {
  export function decompress(src: Uint8Array, maxSize?: number): Uint8Array;
}
declare module 'snappyjs' {
  export function uncompress(src: Uint8Array, maxLength?: number): Uint8Array;
}

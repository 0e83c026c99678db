/** The parts of npm's own libraries (CommonJS, no published types for these majors) the marketplace uses. */
declare module 'pacote' {
  export interface PacoteOptions {
    registry?: string;
    fullMetadata?: boolean;
    integrity?: string;
    cache?: string;
    preferOnline?: boolean;
    timeout?: number;
    fetchRetries?: number;
    [key: string]: unknown;
  }
  export interface Packument {
    name: string;
    'dist-tags': Record<string, string>;
    versions: Record<string, Record<string, unknown> & { version: string; dist?: { tarball?: string; integrity?: string } }>;
    time?: Record<string, string>;
  }
  const pacote: {
    packument(spec: string, opts?: PacoteOptions): Promise<Packument>;
    tarball(spec: string, opts?: PacoteOptions): Promise<Buffer & { integrity: string; resolved: string; from: string }>;
  };
  export default pacote;
}
declare module 'npm-registry-fetch' {
  const fetch: { json(url: string, opts?: Record<string, unknown>): Promise<unknown> };
  export default fetch;
}
declare module 'ssri' {
  const ssri: {
    checkData(data: Buffer, sri: string, opts?: { error?: boolean }): false | { algorithm: string };
    parse(sri: string, opts?: { single?: boolean }): Record<string, unknown> | null;
    fromData(data: Buffer, opts?: { algorithms?: string[] }): { toString(): string };
  };
  export default ssri;
}

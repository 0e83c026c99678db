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
  function packument(spec: string, opts?: PacoteOptions): Promise<Packument>;
  function tarball(spec: string, opts?: PacoteOptions): Promise<Buffer & { integrity: string; resolved: string; from: string }>;
  const pacote: { packument: typeof packument; tarball: typeof tarball };
  export default pacote;
}
declare module 'npm-registry-fetch' {
  function json(url: string, opts?: Record<string, unknown>): Promise<unknown>;
  const fetch: { json: typeof json };
  export default fetch;
}
declare module 'ssri' {
  function checkData(data: Buffer, sri: string, opts?: { error?: boolean }): false | { algorithm: string };
  function parse(sri: string, opts?: { single?: boolean }): Record<string, unknown> | null;
  const ssri: { checkData: typeof checkData; parse: typeof parse };
  export default ssri;
}

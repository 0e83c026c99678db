/** The reference host's own version: what a module's `prerequisites.host` range is checked against. */
export const HOST_VERSION = '1.0.0';

/** Version facts shared by the app and (injected at build time) the service worker. */

// Bump when the app changes; sent as `app_version` with each push (PROTOCOL.md, Push).
export const APP_VERSION = '0.1.0';

// The format of an operation record in the outbox. Each stored op carries `fmt`; a new
// service worker activates only if it can read every op still waiting (see sw.js).
export const OP_FORMAT = 1;
export const READABLE_OP_FORMATS = [1];

// The sanitiser is the domain's (domain/safe-name.ts); this name stays until src/app/portal/uploads.ts,
// which is being re-cut, imports it from there.
export { safeAttachmentName as safeName } from '../../domain/safe-name.js';

// The browser crypto API in one import for the recipient and conversation-starter pages.

export * from "./errors.js";
export { b64urlDecode, b64urlEncode } from "./b64.js";
export { fromHex, toHex } from "./bytes.js";
export {
  DEFAULT_RECORD_SIZE,
  createDecryptStream,
  createEncryptStream,
  decryptBytes,
  encryptBytes,
  encryptFileStream,
  parseHeader,
} from "./stream.js";
export {
  canonicalJson,
  openManifest,
  parseManifest,
  sealManifest,
  validateManifest,
} from "./manifest.js";
export {
  authVerifier,
  deriveCodeKey,
  deriveRecipientKeys,
  fileKey,
  linkSecretFromFragment,
  openAsLinkRecipient,
  newSecret,
  normaliseAccessCode,
  replyCek,
  unwrapCek,
  wrapCek,
} from "./keyschedule.js";
export { displayFingerprint, keyFingerprint, openSealedCek, sealCek } from "./hpke.js";

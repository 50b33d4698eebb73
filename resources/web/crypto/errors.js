// Typed failures of the encryption formats, with the same `code` vocabulary as the Python side
// (zivverdesk/crypto/errors.py, docs/PROTOCOL.md) so vectors, relay API and page name one failure.

/** An encrypted value or key could not be used. `code` is stable; `message` is Dutch / English. */
export class CryptoError extends Error {
  /** @param {string} code @param {string} message */
  constructor(code, message) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

export class IntegrityError extends CryptoError {
  constructor(detail = "") {
    super(
      "integrity",
      "Het versleutelde bestand is beschadigd of gewijzigd. / " +
        "The encrypted data is damaged or was altered." +
        (detail ? ` (${detail})` : ""),
    );
  }
}

export class TruncatedStream extends CryptoError {
  constructor(detail = "") {
    super(
      "truncated",
      "Het versleutelde bestand is onvolledig (afgebroken download?). / " +
        "The encrypted data is incomplete (interrupted download?)." +
        (detail ? ` (${detail})` : ""),
    );
  }
}

export class TrailingData extends CryptoError {
  constructor() {
    super(
      "trailing_data",
      "Na het einde van het versleutelde bestand staan nog gegevens. / " +
        "There is extra data after the end of the encrypted data.",
    );
  }
}

export class UnsupportedVersion extends CryptoError {
  /** @param {string} what @param {number} version */
  constructor(what, version) {
    super(
      "unsupported_version",
      `${what} heeft formaatversie ${version}, die deze pagina niet kent. / ` +
        `${what} uses format version ${version}, which this page does not know.`,
    );
  }
}

export class UnsupportedSuite extends CryptoError {
  /** @param {string} what @param {string} suite */
  constructor(what, suite) {
    super(
      "unsupported_suite",
      `${what} gebruikt versleutelingsmethode ${suite}, die deze pagina niet kent. / ` +
        `${what} uses encryption suite ${suite}, which this page does not support.`,
    );
  }
}

export class BadHeader extends CryptoError {
  /** @param {string} detail */
  constructor(detail) {
    super(
      "bad_header",
      `Dit is geen geldig versleuteld zivverdesk-bestand (${detail}). / ` +
        `This is not a valid zivverdesk encrypted file (${detail}).`,
    );
  }
}

export class BadEncoding extends CryptoError {
  /** @param {string} detail */
  constructor(detail) {
    super("bad_encoding", `Ongeldige gegevens: ${detail}. / Malformed data: ${detail}.`);
  }
}

export class NonCanonical extends CryptoError {
  /** @param {string} detail */
  constructor(detail) {
    super(
      "non_canonical",
      `Het berichtoverzicht is niet in de vereiste vorm (${detail}). / ` +
        `The message manifest is not in canonical form (${detail}).`,
    );
  }
}

export class InvalidManifest extends CryptoError {
  /** @param {string} detail */
  constructor(detail) {
    super(
      "invalid_manifest",
      `Het berichtoverzicht is ongeldig (${detail}). / ` +
        `The message manifest is invalid (${detail}).`,
    );
  }
}

export class InvalidParameters extends CryptoError {
  /** @param {string} detail */
  constructor(detail) {
    super(
      "bad_parameters",
      `Ongeldige instelling bij de gegevens: ${detail}. / Invalid parameter: ${detail}.`,
    );
  }
}

export class InvalidAccessCode extends CryptoError {
  constructor() {
    super(
      "invalid_code",
      "De toegangscode is leeg. Vul de afgesproken code in. / " +
        "The access code is empty. Enter the agreed code.",
    );
  }
}

export class WrongAccessCode extends CryptoError {
  constructor() {
    super(
      "wrong_code",
      "De toegangscode klopt niet, of de link is onvolledig. / " +
        "The access code is wrong, or the link is incomplete.",
    );
  }
}

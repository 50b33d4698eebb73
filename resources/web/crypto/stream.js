// The blob (STREAM) format of docs/PROTOCOL.md §1: a 28-byte header, then AES-256-GCM records
// whose nonce binds the record's position and whether it is the last one. Decryption works
// record by record on a stream, so a download of any size is piped to a file in bounded memory.

import { concat, utf8Bytes, uintBE } from "./bytes.js";
import {
  BadHeader,
  IntegrityError,
  TrailingData,
  TruncatedStream,
  UnsupportedSuite,
  UnsupportedVersion,
} from "./errors.js";
import { aesGcmKey, aesGcmOpen, aesGcmSeal, hkdf, randomBytes } from "./primitives.js";

export const MAGIC = new Uint8Array([0x5a, 0x56, 0x44, 0x42]); // "ZVDB"
export const VERSION = 0x01;
export const SUITE_AES256GCM_HKDF_SHA256 = 0x01;
export const HEADER_SIZE = 28;
export const TAG_SIZE = 16;
export const DEFAULT_RECORD_SIZE = 262144;
export const MIN_RECORD_SIZE = 16384;
export const MAX_RECORD_SIZE = 4194304;
const PAYLOAD_LABEL = utf8Bytes("zivverdesk/v1/payload");

// Records decrypted (or encrypted) at the same time. WebCrypto runs large AES-GCM jobs off the
// page's thread, so a few in flight keep the network and the cipher busy together.
const DEFAULT_CONCURRENCY = 4;

// How much input may wait while a record is being decrypted (so the network keeps flowing), and
// how many finished records may wait for a slow consumer. Together with the jobs in flight this
// bounds the memory of a transfer of any size to a few records.
const INPUT_BUFFER_BYTES = 1 << 20;
const OUTPUT_BUFFER_RECORDS = 4;

function queuingStrategies() {
  return [
    new ByteLengthQueuingStrategy({ highWaterMark: INPUT_BUFFER_BYTES }),
    new CountQueuingStrategy({ highWaterMark: OUTPUT_BUFFER_RECORDS }),
  ];
}

/** @param {number} recordSize @returns {boolean} */
export function isValidRecordSize(recordSize) {
  return (
    Number.isInteger(recordSize) &&
    recordSize >= MIN_RECORD_SIZE &&
    recordSize <= MAX_RECORD_SIZE &&
    recordSize % 1024 === 0
  );
}

/**
 * Check the fixed header and return its fields. The order of checks is the order of the bytes,
 * so each malformed header gets the error of its first wrong field.
 * @param {Uint8Array} header the first 28 bytes of a blob
 */
export function parseHeader(header) {
  if (header.length < HEADER_SIZE) throw new TruncatedStream("header shorter than 28 bytes");
  for (let i = 0; i < 4; i++) if (header[i] !== MAGIC[i]) throw new BadHeader("bad magic");
  if (header[4] !== VERSION) throw new UnsupportedVersion("Het bestand / The file", header[4]);
  if (header[5] !== SUITE_AES256GCM_HKDF_SHA256) {
    throw new UnsupportedSuite(
      "Het bestand / The file",
      `0x${header[5].toString(16).padStart(2, "0")}`,
    );
  }
  if (header[6] !== 0 || header[7] !== 0) throw new BadHeader("reserved bytes are not zero");
  const recordSize = new DataView(header.buffer, header.byteOffset, HEADER_SIZE).getUint32(8);
  if (!isValidRecordSize(recordSize)) throw new BadHeader(`record size ${recordSize} out of range`);
  return { recordSize, salt: header.slice(12, 28) };
}

/** @returns {Uint8Array} a 28-byte header */
export function buildHeader(recordSize, salt) {
  if (!isValidRecordSize(recordSize))
    throw new RangeError(`record size ${recordSize} out of range`);
  if (salt.length !== 16) throw new RangeError("salt must be 16 bytes");
  return concat(
    MAGIC,
    new Uint8Array([VERSION, SUITE_AES256GCM_HKDF_SHA256, 0, 0]),
    uintBE(recordSize, 4),
    salt,
  );
}

/** payload_key = HKDF(file_key, header.salt, "zivverdesk/v1/payload" ‖ header), as bytes. */
export function derivePayloadKey(fileKey, header) {
  return hkdf(fileKey, header.slice(12, 28), concat(PAYLOAD_LABEL, header));
}

/** The payload key as a non-extractable AES-GCM key. */
export async function payloadKey(fileKey, header) {
  return aesGcmKey(await derivePayloadKey(fileKey, header));
}

/** nonce = counter as 11-byte big-endian ‖ 0x01 for the final record, 0x00 otherwise. */
export function recordNonce(counter, final) {
  const nonce = new Uint8Array(12);
  nonce.set(uintBE(counter, 11), 0);
  nonce[11] = final ? 1 : 0;
  return nonce;
}

/** A FIFO of byte chunks from which exact-length pieces are taken, whatever the chunking. */
class ByteQueue {
  constructor() {
    /** @type {Uint8Array[]} */
    this.chunks = [];
    this.length = 0;
  }

  push(chunk) {
    if (chunk.length) {
      this.chunks.push(chunk);
      this.length += chunk.length;
    }
  }

  /**
   * The first n bytes (n <= length): a view into a chunk when one holds them all, else a copy
   * into `scratch` (a reusable buffer of at least n bytes) or into a new array.
   * @param {number} n @param {Uint8Array | null} [scratch] @returns {Uint8Array}
   */
  take(n, scratch = null) {
    const first = this.chunks[0];
    // Network chunks are often larger than a record: hand out views instead of copies.
    if (first && first.length >= n) {
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      this.length -= n;
      return first.subarray(0, n);
    }
    const out = scratch === null ? new Uint8Array(n) : scratch.subarray(0, n);
    let filled = 0;
    while (filled < n) {
      const head = this.chunks[0];
      const want = n - filled;
      if (head.length <= want) {
        out.set(head, filled);
        filled += head.length;
        this.chunks.shift();
      } else {
        out.set(head.subarray(0, want), filled);
        this.chunks[0] = head.subarray(want);
        filled += want;
      }
    }
    this.length -= n;
    return out;
  }
}

/** Accept Uint8Array, ArrayBuffer or any ArrayBufferView as a chunk. */
function asBytes(chunk) {
  if (chunk instanceof Uint8Array) return chunk;
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  if (ArrayBuffer.isView(chunk))
    return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new TypeError("stream chunks must be bytes");
}

/**
 * Reusable buffers in which records that span several input chunks are assembled, one more
 * than the jobs that can be in flight (OrderedJobs below): a buffer comes round again only
 * after the job that read it has settled, including its second attempt in openRecord. Reuse
 * spares the allocation (and zeroing) of a record-sized array per record.
 */
class ScratchRing {
  constructor(count, size) {
    this.buffers = Array.from({ length: count }, () => new Uint8Array(size));
    this.next = 0;
  }

  get() {
    const buffer = this.buffers[this.next];
    this.next = (this.next + 1) % this.buffers.length;
    return buffer;
  }
}

/**
 * Keeps up to `limit` record jobs in flight and hands their results out in order. A rejected job
 * gets a no-op handler at once so it is not reported as unhandled while an earlier one is awaited;
 * the rejection still reaches whoever awaits it.
 */
class OrderedJobs {
  constructor(limit) {
    this.limit = limit;
    /** @type {Promise<Uint8Array>[]} */
    this.queue = [];
  }

  async add(job, controller) {
    job.catch(() => {});
    this.queue.push(job);
    if (this.queue.length >= this.limit) controller.enqueue(await this.queue.shift());
  }

  async drain(controller) {
    while (this.queue.length) controller.enqueue(await this.queue.shift());
  }
}

async function openRecord(key, counter, record, final, recordLength) {
  try {
    return await aesGcmOpen(key, recordNonce(counter, final), record);
  } catch (error) {
    if (!(error instanceof DOMException)) throw error;
  }
  // The tag failed. Trying the other flag tells a cut-off or extended stream apart from damage:
  // a record that opens as final while more data follows means trailing data; a full record at
  // the end that opens as non-final means the stream was truncated at a record boundary.
  try {
    await aesGcmOpen(key, recordNonce(counter, !final), record);
  } catch (error) {
    if (error instanceof DOMException) throw new IntegrityError(`record ${counter}`);
    throw error;
  }
  if (!final) throw new TrailingData();
  // Only a full-length record can be a genuine non-final one; a short one was altered.
  if (record.length === recordLength) throw new TruncatedStream("missing final record");
  throw new IntegrityError(`record ${counter}`);
}

/**
 * A TransformStream from ciphertext bytes (a blob, in chunks of any size) to plaintext bytes.
 * It errors with a typed CryptoError on any malformed, altered, cut-off or extended input. Only
 * the final record's success proves the whole stream: a consumer must not treat the output as
 * complete (or give the file its final name) before the readable side closes without error.
 * @param {Uint8Array} fileKey
 * @param {{concurrency?: number}} [options]
 */
export function createDecryptStream(fileKey, { concurrency = DEFAULT_CONCURRENCY } = {}) {
  const input = new ByteQueue();
  const jobs = new OrderedJobs(concurrency);
  let key = null;
  let recordLength = 0;
  let counter = 0;
  let scratch = null;

  return new TransformStream(
    {
      async transform(chunk, controller) {
        input.push(asBytes(chunk));
        if (key === null) {
          if (input.length < HEADER_SIZE) return;
          const header = input.take(HEADER_SIZE);
          const { recordSize } = parseHeader(header);
          recordLength = recordSize + TAG_SIZE;
          scratch = new ScratchRing(concurrency + 1, recordLength);
          key = await payloadKey(fileKey, header);
        }
        // A full-length record is non-final only if at least one more byte follows it.
        while (input.length > recordLength) {
          await jobs.add(
            openRecord(key, counter, input.take(recordLength, scratch.get()), false, recordLength),
            controller,
          );
          counter += 1;
        }
      },
      async flush(controller) {
        if (key === null) throw new TruncatedStream("header shorter than 28 bytes");
        // Records still in flight come first: their errors describe the stream better than the
        // shape of what is left (a genuine final record followed by one stray byte is trailing
        // data, not a truncated record).
        await jobs.drain(controller);
        const rest = input.length;
        if (rest === 0) throw new TruncatedStream("missing final record");
        if (rest < TAG_SIZE) throw new TruncatedStream("record shorter than its tag");
        if (rest === TAG_SIZE && counter > 0) throw new IntegrityError("empty final record");
        await jobs.add(openRecord(key, counter, input.take(rest), true, recordLength), controller);
        await jobs.drain(controller);
      },
    },
    ...queuingStrategies(),
  );
}

/**
 * A TransformStream from plaintext bytes to a blob. `salt` may be given for reproducible test
 * vectors only; real blobs take a fresh random salt.
 * @param {Uint8Array} fileKey
 * @param {{recordSize?: number, salt?: Uint8Array, concurrency?: number}} [options]
 */
export function createEncryptStream(
  fileKey,
  {
    recordSize = DEFAULT_RECORD_SIZE,
    salt = randomBytes(16),
    concurrency = DEFAULT_CONCURRENCY,
  } = {},
) {
  const header = buildHeader(recordSize, salt);
  const input = new ByteQueue();
  const jobs = new OrderedJobs(concurrency);
  let key = null;
  let counter = 0;
  const seal = (plaintext, final) => aesGcmSeal(key, recordNonce(counter++, final), plaintext);

  return new TransformStream(
    {
      async start(controller) {
        key = await payloadKey(fileKey, header);
        controller.enqueue(header);
      },
      async transform(chunk, controller) {
        input.push(asBytes(chunk));
        // Hold back at least one byte: the final record must never be empty unless all is empty.
        while (input.length > recordSize)
          await jobs.add(seal(input.take(recordSize), false), controller);
      },
      async flush(controller) {
        await jobs.add(seal(input.take(input.length), true), controller);
        await jobs.drain(controller);
      },
    },
    ...queuingStrategies(),
  );
}

/** Read a whole byte stream into one Uint8Array (for small blobs such as manifests). */
export async function readAll(readable) {
  const parts = [];
  const reader = readable.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(asBytes(value));
  }
  return concat(...parts);
}

/** Encrypt bytes held in memory into one blob. */
export function encryptBytes(fileKey, plaintext, options = {}) {
  return readAll(new Blob([plaintext]).stream().pipeThrough(createEncryptStream(fileKey, options)));
}

/** Decrypt a blob held in memory; rejects with a CryptoError exactly as the stream does. */
export function decryptBytes(fileKey, blob) {
  return readAll(new Blob([blob]).stream().pipeThrough(createDecryptStream(fileKey)));
}

/** Encrypt a File or Blob (e.g. a reply attachment) as a stream, without reading it whole. */
export function encryptFileStream(fileKey, file, options = {}) {
  return file.stream().pipeThrough(createEncryptStream(fileKey, options));
}

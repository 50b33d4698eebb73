// Saving a decrypted attachment without holding it in memory where the browser allows that.
//
// Large files (and every file when the page can) go through the File System Access API:
// `showSaveFilePicker` gives a writable file stream, and the decrypting stream is piped into
// it record by record, so memory stays at a few records whatever the file size. Browsers
// without that API (Firefox, Safari, phones) get the fallback: the decrypted stream is turned
// into a Blob and saved through a temporary object URL. The browser keeps such a Blob in its
// own blob store (Chromium and Firefox move big blobs to temporary files), not in the page's
// JavaScript heap, but it is not constant memory, so it is used for small files first of all.
// No Service Worker is involved: a worker that fakes a download URL would be a second copy of
// the decryption code path with its own lifetime problems.

/** Files up to this size are saved through an object URL (no save dialog needed). */
export const SMALL_FILE_LIMIT = 64 * 1024 * 1024;

/** The name a file system will accept: no path separators, no control characters. */
export function safeFileName(name) {
  // eslint-disable-next-line no-control-regex
  const cleaned = String(name).replace(/[\u0000-\u001f\u007f/\\:*?"<>|]/g, "_").trim();
  return cleaned.replace(/^\.+/, "_") || "bijlage";
}

export function canStreamToDisk() {
  return typeof window.showSaveFilePicker === "function";
}

/**
 * Ask where to save (only for large files when the page can stream to disk). Must be called
 * directly in the click handler: the save dialog needs the click's user activation.
 * Returns a sink: `{kind: "file", writable}` or `{kind: "blob"}`; null when the person cancels.
 */
export async function chooseSink(name, size) {
  if (size > SMALL_FILE_LIMIT && canStreamToDisk()) {
    let handle;
    try {
      handle = await window.showSaveFilePicker({ suggestedName: safeFileName(name) });
    } catch (error) {
      if (error && error.name === "AbortError") return null;
      throw error;
    }
    return { kind: "file", writable: await handle.createWritable() };
  }
  return { kind: "blob" };
}

export function canPickFolder() {
  return typeof window.showDirectoryPicker === "function";
}

/**
 * For "Alles downloaden" with large files: one folder dialog for all of them (a save dialog
 * per file would need a fresh click each time). Call directly in the click handler.
 * Returns the folder handle, or null when the person cancels.
 */
export async function chooseFolder() {
  try {
    return await window.showDirectoryPicker({ mode: "readwrite" });
  } catch (error) {
    if (error && error.name === "AbortError") return null;
    throw error;
  }
}

/** A file sink in `folder`, never overwriting: "rapport.pdf" becomes "rapport (2).pdf". */
export async function sinkInFolder(folder, name) {
  const clean = safeFileName(name);
  const dot = clean.lastIndexOf(".");
  const [stem, ext] = dot > 0 ? [clean.slice(0, dot), clean.slice(dot)] : [clean, ""];
  for (let n = 1; ; n += 1) {
    const candidate = n === 1 ? clean : `${stem} (${n})${ext}`;
    try {
      await folder.getFileHandle(candidate);
    } catch (error) {
      if (error && error.name === "NotFoundError") {
        const handle = await folder.getFileHandle(candidate, { create: true });
        return { kind: "file", writable: await handle.createWritable() };
      }
      throw error;
    }
  }
}

/** Count bytes passing through, for a progress bar. */
export function countingStream(onBytes) {
  let seen = 0;
  return new TransformStream({
    transform(chunk, controller) {
      seen += chunk.byteLength;
      onBytes(seen);
      controller.enqueue(chunk);
    },
  });
}

/** Write `plaintext` (a ReadableStream of Uint8Array) to `sink`, named `name`. */
export async function saveToSink(sink, plaintext, name, signal) {
  if (sink.kind === "file") {
    // pipeTo aborts the file stream on error, so a failed decryption leaves no partial file.
    await plaintext.pipeTo(sink.writable, { signal });
    return;
  }
  const blob = await new Response(plaintext).blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = safeFileName(name);
  link.className = "hidden";
  document.body.append(link);
  link.click();
  link.remove();
  // The download has taken its own reference by the next task; free the page's one soon after.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

/**
 * Reads a Request's or Response's body as text and releases the stream afterwards. `text()`
 * leaves the stream locked, and ky cancels the bodies it is done with: a locked one makes that
 * cancel build a TypeError with its stack, tens of microseconds of every send for nothing.
 */
const readBodyText = async (body: ReadableStream<Uint8Array> | null): Promise<string> => {
  if (body === null) return '';
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    return text + decoder.decode();
  } finally {
    reader.releaseLock();
  }
};

export { readBodyText };

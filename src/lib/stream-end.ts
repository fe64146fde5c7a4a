/**
 * The same stream, with `done` called once when it is over however it ends: read to its end,
 * failed, or cancelled by its reader (a client that went away). Chunks pass through as they
 * come; `done` runs before the end (or error) reaches the reader, so its work is finished by then.
 */
export function onStreamEnd<T>(body: ReadableStream<T>, done: () => Promise<void> | void): ReadableStream<T> {
  const reader = body.getReader();
  let ended = false;
  const end = async () => {
    if (ended) return;
    ended = true;
    await done();
  };
  return new ReadableStream<T>({
    async pull(controller) {
      let next: ReadableStreamReadResult<T>;
      try {
        next = await reader.read();
      } catch (err) {
        await end();
        return controller.error(err);
      }
      if (!next.done) return controller.enqueue(next.value);
      await end();
      controller.close();
    },
    async cancel(reason) {
      try {
        await reader.cancel(reason);
      } finally {
        await end();
      }
    },
  });
}

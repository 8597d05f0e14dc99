// Helpers for the journal's tests: flushes finished by hand, and whether a promise has settled.

/** A flush the test finishes by hand: what each call was given, and its outcome to settle. */
export function manualFlushes() {
  const calls: { text: string; finish: () => void; fail: (error: Error) => void }[] = [];
  const flush = (text: string) => {
    const { promise, resolve, reject } = Promise.withResolvers<void>();
    calls.push({ text, finish: () => resolve(), fail: reject });
    return promise;
  };
  return { calls, flush };
}

/** Whether `promise` has settled within `ms` (by then, whatever was about to run has run). */
export async function settledWithin(promise: Promise<unknown>, ms = 20): Promise<boolean> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((resolve) => setTimeout(resolve, ms));
  return done;
}

/**
 * Polls `probe` every 200 ms until it returns a value (not undefined); a throw counts as "not yet"
 * and is reported if time runs out. For multi-process tests where state converges asynchronously.
 */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The largest value `read` returns over `samples` reads 10 ms apart (a memory counter's peak). */
export async function sampleMax(read: () => number, samples: number): Promise<number> {
  let max = 0;
  for (let i = 0; i < samples; i++) {
    max = Math.max(max, read());
    await new Promise((r) => setTimeout(r, 10));
  }
  return max;
}

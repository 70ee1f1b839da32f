/** mulberry32: small, fast and good enough for simulated workloads; the same seed gives the same cluster. */
export function createPrng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A value in [0, 1) keyed by the seed and some labels. Used for per-run noise so that the
 * result does not depend on the order in which the simulator happens to evaluate things.
 */
export function keyedRandom(seed: number, ...keys: (string | number)[]): number {
  let h = (seed ^ 0x811c9dc5) >>> 0;
  for (const key of keys) {
    const s = String(key);
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
    h = Math.imul(h ^ 0x2f, 0x01000193) >>> 0;
  }
  return createPrng(h)();
}

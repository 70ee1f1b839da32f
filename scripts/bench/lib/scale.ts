/**
 * BENCH_SIZE=small shrinks every part to a quick smoke run (for developing the benchmarks on a
 * busy machine); the figures of a small run are not the ones the README quotes.
 */
export const SMALL = process.env.BENCH_SIZE === "small";

export function sized<T>(full: T, small: T): T {
  return SMALL ? small : full;
}

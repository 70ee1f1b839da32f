// Where a process's resident set lives, from /proc/<pid>/smaps (Linux): the JS heap alone does not
// explain a Node process's RSS, so the memory part splits it by kind of mapping.
import fs from "node:fs";

export type Mapping = { start: bigint; end: bigint; perms: string; path: string; sizeKiB: number; rssKiB: number };

/** Every mapping of an smaps text with its size and resident set (kB fields as KiB). */
export function parseSmaps(text: string): Mapping[] {
  const mappings: Mapping[] = [];
  let current: Mapping | null = null;
  for (const line of text.split("\n")) {
    const header = /^([0-9a-f]+)-([0-9a-f]+)\s+(\S+)\s+\S+\s+\S+\s+\S+\s*(.*)$/.exec(line);
    if (header) {
      current = { start: BigInt(`0x${header[1]}`), end: BigInt(`0x${header[2]}`), perms: header[3]!, path: header[4]!.trim(), sizeKiB: 0, rssKiB: 0 };
      mappings.push(current);
      continue;
    }
    const field = /^(Size|Rss):\s+(\d+)\s+kB/.exec(line);
    if (field && current) {
      if (field[1] === "Size") current.sizeKiB = Number(field[2]);
      else current.rssKiB = Number(field[2]);
    }
  }
  return mappings;
}

export type RssBreakdown = {
  /** Files mapped in: the node binary, shared libraries, native addons (.node). */
  files: number;
  /** glibc's main malloc heap (brk). */
  mallocHeap: number;
  /**
   * glibc's per-thread malloc arenas: 64 MiB reservations (HEAP_MAX) made of a used rw part and a
   * ---p remainder, each aligned to 64 MiB.
   */
  mallocArenas: number;
  /** Anonymous reservations of 1 GiB or more (adjacent mappings together): WebAssembly memories with their guard regions. */
  wasm: number;
  /** Every other anonymous mapping: V8's heap and code, other mmap'ed malloc blocks, stacks. */
  otherAnonymous: number;
  total: number;
};

const ARENA_KIB = 64 * 1024;
const ARENA_BYTES = BigInt(ARENA_KIB * 1024);
const LARGE_KIB = 1024 * 1024;

/** Resident set per kind of mapping, in bytes. */
export function breakdown(mappings: Mapping[]): RssBreakdown {
  const out: RssBreakdown = { files: 0, mallocHeap: 0, mallocArenas: 0, wasm: 0, otherAnonymous: 0, total: 0 };
  const arena = mappings.map((_, i) => isArenaPart(mappings, i));
  const reservation = reservationSizes(mappings, arena);
  for (let i = 0; i < mappings.length; i++) {
    const m = mappings[i]!;
    const bytes = m.rssKiB * 1024;
    out.total += bytes;
    if (m.path.startsWith("/")) out.files += bytes;
    else if (m.path === "[heap]") out.mallocHeap += bytes;
    else if (arena[i]) out.mallocArenas += bytes;
    else if (m.path === "" && reservation[i]! >= LARGE_KIB) out.wasm += bytes;
    else out.otherAnonymous += bytes;
  }
  return out;
}

/**
 * For each anonymous mapping, the size of the run of adjacent anonymous mappings it belongs to: a
 * Wasm memory is one reservation split into an accessible part and an inaccessible guard region.
 */
function reservationSizes(mappings: Mapping[], arena: boolean[]): number[] {
  const sizes = mappings.map(() => 0);
  const anonymous = (i: number) => mappings[i]!.path === "" && !arena[i];
  for (let i = 0; i < mappings.length; ) {
    if (!anonymous(i)) {
      i++;
      continue;
    }
    let j = i;
    let total = mappings[i]!.sizeKiB;
    while (j + 1 < mappings.length && anonymous(j + 1) && mappings[j + 1]!.start === mappings[j]!.end) total += mappings[++j]!.sizeKiB;
    for (let k = i; k <= j; k++) sizes[k] = total;
    i = j + 1;
  }
  return sizes;
}

/** A 64 MiB-aligned anonymous rw part plus an adjacent ---p remainder that together make 64 MiB. */
function isArenaPart(mappings: Mapping[], i: number): boolean {
  const m = mappings[i]!;
  const isPair = (rw: Mapping | undefined, rest: Mapping | undefined) =>
    rw !== undefined &&
    rest !== undefined &&
    rw.path === "" &&
    rest.path === "" &&
    rw.perms.startsWith("rw") &&
    rest.perms.startsWith("---") &&
    rw.end === rest.start &&
    rw.start % ARENA_BYTES === 0n &&
    rw.sizeKiB + rest.sizeKiB === ARENA_KIB;
  // A fully used arena has no ---p remainder.
  if (m.path === "" && m.perms.startsWith("rw") && m.sizeKiB === ARENA_KIB && m.start % ARENA_BYTES === 0n) return true;
  return isPair(m, mappings[i + 1]) || isPair(mappings[i - 1], m);
}

/** The breakdown of a running process, or null where /proc is missing. */
export function processBreakdown(pid: number): RssBreakdown | null {
  try {
    return breakdown(parseSmaps(fs.readFileSync(`/proc/${pid}/smaps`, "utf8")));
  } catch {
    return null;
  }
}

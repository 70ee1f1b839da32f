import { describe, expect, it } from "vitest";
import { breakdown, parseSmaps } from "./smaps";

function mapping(range: string, perms: string, path: string, sizeKiB: number, rssKiB: number): string {
  return [`${range} ${perms} 00000000 00:00 0 ${path}`, `Size:           ${sizeKiB} kB`, `KernelPageSize:        4 kB`, `Rss:            ${rssKiB} kB`, `Pss:            ${rssKiB} kB`].join("\n");
}

// 0x7f0000000000 is 64 MiB-aligned; an arena's used part and its ---p remainder make 64 MiB.
const SMAPS = [
  mapping("00400000-00b6f000", "r--p", "/usr/bin/node", 7612, 6968),
  mapping("443c2000-45bcb000", "rw-p", "[heap]", 24612, 23584),
  mapping("7f0000000000-7f0002000000", "rw-p", "", 32768, 30000),
  mapping("7f0002000000-7f0004000000", "---p", "", 32768, 0),
  mapping("7f0004000000-7f0008000000", "rw-p", "", 65536, 60000),
  mapping("7e0000000000-7e0000100000", "rw-p", "", 1024, 1024),
  mapping("7e0000100000-7e0280000000", "---p", "", 10484736, 0),
  mapping("7d0000040000-7d0000080000", "rw-p", "", 256, 200),
  mapping("7ffd683f6000-7ffd6843f000", "rw-p", "[stack]", 292, 100),
].join("\n");

describe("parseSmaps", () => {
  it("reads every mapping's range, permissions, path, size and resident set", () => {
    const mappings = parseSmaps(SMAPS);
    expect(mappings).toHaveLength(9);
    expect(mappings[0]).toEqual({ start: 0x400000n, end: 0xb6f000n, perms: "r--p", path: "/usr/bin/node", sizeKiB: 7612, rssKiB: 6968 });
    expect(mappings[2]!.path).toBe("");
  });
});

describe("breakdown", () => {
  it("splits the resident set into files, malloc's heap and arenas, Wasm and the rest", () => {
    const parts = breakdown(parseSmaps(SMAPS));
    expect(parts.files).toBe(6968 * 1024);
    expect(parts.mallocHeap).toBe(23584 * 1024);
    // The used part of a split arena and a whole 64 MiB arena.
    expect(parts.mallocArenas).toBe((30000 + 60000) * 1024);
    // The 1 MiB accessible start of a 10 GiB reservation is a Wasm memory, not ordinary anonymous memory.
    expect(parts.wasm).toBe(1024 * 1024);
    expect(parts.otherAnonymous).toBe((200 + 100) * 1024);
    expect(parts.total).toBe(parts.files + parts.mallocHeap + parts.mallocArenas + parts.wasm + parts.otherAnonymous);
  });

  it("does not take an unaligned 64 MiB block for an arena", () => {
    const parts = breakdown(parseSmaps(mapping("7f0000100000-7f0004100000", "rw-p", "", 65536, 500)));
    expect(parts.mallocArenas).toBe(0);
    expect(parts.otherAnonymous).toBe(500 * 1024);
  });
});

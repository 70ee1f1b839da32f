import type { Command } from "./shell";
import { fail } from "./shell";

export const zfs: Command = () => fail("zfs: not simulated yet", 1);

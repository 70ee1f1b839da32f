import os from "node:os";

export type Machine = { cpuModel: string; cores: number; memoryGiB: number; node: string; platform: string; loadAverage: number[] };

/** What a figure was measured on; the load average says whether the machine was shared at the time. */
export function describeMachine(): Machine {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? "unknown",
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

export function machineLine(m: Machine = describeMachine()): string {
  return `${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, node ${m.node}, load ${m.loadAverage.join("/")}`;
}

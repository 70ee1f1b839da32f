import type { JobConfig } from "./model-types";

const stateKeys = new WeakMap<JobConfig, { target: string; key: string }>();

/** `<vmid>/local/<target>`; memoized per job object because the scheduler asks very often. */
export function stateKey(job: JobConfig): string {
  const cached = stateKeys.get(job);
  if (cached && cached.target === job.target) return cached.key;
  const key = `${job.guest}/local/${job.target}`;
  stateKeys.set(job, { target: job.target, key });
  return key;
}

/** The API sorts job ids as strings (`sort keys %$jobs` in PVE/API2/ReplicationConfig.pm). */
export function compareJobIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

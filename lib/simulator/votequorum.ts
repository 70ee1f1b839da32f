// corosync votequorum as a Proxmox cluster runs it: one vote per node, quorum = expected / 2 + 1,
// and expected votes never below the votes present (`pvecm status`, `pvecm expected N`).

export type Votequorum = { expected: number; total: number; quorum: number };

export function votequorumFor(onlineVotes: number, expectedVotes: number): Votequorum {
  const expected = Math.max(expectedVotes, onlineVotes);
  return { expected, total: onlineVotes, quorum: Math.floor(expected / 2) + 1 };
}

import type { Command, CommandOutput } from "./shell";
import { fail, ok } from "./shell";

// `pvecm` (pve-cluster src/PVE/CLI/pvecm.pm): `status` prints the cluster section itself, then
// `corosync-quorumtool -siH` (corosync tools/corosync-quorumtool.c); `expected N` runs
// `corosync-quorumtool -e N`, which votequorum refuses when the partition would lose quorum by it.

const USAGE = "USAGE: pvecm <COMMAND> [ARGS] [OPTIONS]";

export const pvecm: Command = (ctx, args) => {
  const [sub, ...rest] = args;
  if (sub === "status") return status(ctx.sim.model, ctx.node, ctx.sim.now());
  if (sub === "expected") {
    const n = rest[0];
    if (n === undefined || !/^\d+$/.test(n)) {
      return fail(`400 not enough arguments\npvecm expected <expected>\n`, 255);
    }
    if (Number(n) < 1) return fail(`400 Parameter verification failed.\nexpected: value must have a minimum value of 1\npvecm expected <expected>\n`, 255);
    if (!ctx.sim.model.setExpectedVotes(Number(n), ctx.sim.now())) {
      return fail(`Unable to set expected votes: CS_ERR_INVALID_PARAM\ncommand 'corosync-quorumtool -e ${n}' failed: exit code 1\n`, 255);
    }
    return ok("");
  }
  if (sub === "nodes") return nodes(ctx.sim.model, ctx.node);
  return fail(`ERROR: unknown command 'pvecm${sub ? ` ${sub}` : ""}'\n${USAGE}\n`, 255);
};

type Model = Parameters<Command>[0]["sim"]["model"];

function hexId(id: number): string {
  return `0x${id.toString(16).padStart(8, "0")}`;
}

function status(model: Model, local: string, now: number): CommandOutput {
  const me = model.node(local);
  const online = model.nodes.filter((n) => n.online);
  const votes = model.votequorum();
  const quorate = model.isQuorate();
  const date = new Date(now * 1000).toLocaleString("en-US", {
    timeZone: model.timeZone, weekday: "short", month: "short", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", year: "numeric", hour12: false,
  });
  // "Sun, Nov 29, 2026, 06:47:58" → "Sun Nov 29 06:47:58 2026" (ctime, as corosync-quorumtool prints it)
  const m = /^(\w+), (\w+) (\d+), (\d+), (.+)$/.exec(date);
  const ctime = m ? `${m[1]} ${m[2]} ${(m[3] as string).padStart(2, " ")} ${m[5]} ${m[4]}` : date;
  const ringLeader = online[0]?.nodeid ?? 1;
  const lines = [
    "Cluster information",
    "-------------------",
    `Name:             ${model.clusterName}`,
    `Config Version:   ${model.nodes.length + 2}`,
    "Transport:        knet",
    "Secure auth:      on",
    "",
    "Quorum information",
    "------------------",
    `Date:             ${ctime}`,
    "Quorum provider:  corosync_votequorum",
    `Nodes:            ${online.length}`,
    `Node ID:          ${hexId(me?.nodeid ?? 0)}`,
    `Ring ID:          ${ringLeader}.${(model.nodes.length * 4 + online.length).toString(16)}`,
    `Quorate:          ${quorate ? "Yes" : "No"}`,
    "",
    "Votequorum information",
    "----------------------",
    `Expected votes:   ${votes.expected}`,
    `Highest expected: ${votes.expected}`,
    `Total votes:      ${votes.total}`,
    `Quorum:           ${votes.quorum} ${quorate ? "" : "Activity blocked"}`,
    `Flags:            ${quorate ? "Quorate " : ""}`,
    "",
    "Membership information",
    "----------------------",
    "    Nodeid      Votes Name",
    ...online.map((n) => `${hexId(n.nodeid)}          1 ${n.ip}${n.name === local ? " (local)" : ""}`),
  ];
  return ok(`${lines.join("\n")}\n`);
}

function nodes(model: Model, local: string): CommandOutput {
  const lines = ["", "Membership information", "----------------------", "    Nodeid      Votes Name"];
  for (const n of model.nodes.filter((x) => x.online)) lines.push(`${String(n.nodeid).padStart(10)} ${String(1).padStart(10)} ${n.name}${n.name === local ? " (local)" : ""}`);
  return ok(`${lines.join("\n")}\n`);
}

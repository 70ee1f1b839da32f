import { migrateGuest } from "./guest-migration";
import { powerAction } from "./guest-power";
import type { HaManager, LrmStatus, ServiceStatus } from "./ha";

// The LRM (pve-ha-manager src/PVE/HA/LRM.pm `work`, `manage_resources`, `exec_resource_agent`
// and Resources/PVEVM.pm, PVECT.pm): one round of one node's LRM. It holds its node's agent lock
// while it has active services and carries out what the manager status asks of its services, as
// worker tasks of root@pam (qmstart, qmshutdown, qmigrate, vzstart, ...).

const SUCCESS = 0;
const ERROR = 1;
const EWRONG_NODE = 2;
/** LRM.pm `$max_active_idle_rounds`. */
const MAX_IDLE_ROUNDS = 60;

/** The LRM process of a node that went down or came back: its in-memory results and workers are gone. */
export function resetLrm(ha: HaManager, node: string): void {
  const old = ha.lrm.get(node);
  const fresh: LrmStatus = { state: "wait_for_agent_lock", mode: "active", timestamp: old?.timestamp ?? 0, results: new Map(), workers: new Map(), idleRounds: 0 };
  ha.lrm.set(node, fresh);
}

/** `count_active_services` (Tools.pm). */
export function activeServiceCount(ha: HaManager, node: string): number {
  return Object.values(ha.ms.service_status).filter(
    (sd) => (sd.node === node || sd.target === node) && !["stopped", "freeze", "error", "request_start"].includes(sd.state),
  ).length;
}

export function lrmStep(ha: HaManager, node: string, t: number): void {
  const lrm = ha.lrm.get(node) as LrmStatus;
  const ss = ha.ms.service_status;
  const lockName = `ha_agent_${node}_lock`;
  const fenceRequest = Object.values(ss).some((sd) => sd.node === node && sd.state === "fence") || ha.ms.node_status[node] === "fence";
  const quorate = ha.model.isQuorate();
  const set = (next: LrmStatus["state"]) => {
    if (next === lrm.state) return;
    if (next === "active") ha.say(t, `${node}/lrm`, `got lock '${lockName}'`);
    ha.say(t, `${node}/lrm`, `status change ${lrm.state} => ${next}`);
    lrm.state = next;
  };
  if (lrm.state === "wait_for_agent_lock") {
    if (!fenceRequest && activeServiceCount(ha, node) > 0 && quorate && ha.takeLock(lockName, node, t)) set("active");
  } else if (lrm.state === "lost_agent_lock") {
    if (!fenceRequest && quorate && ha.takeLock(lockName, node, t)) set("active");
  } else if (fenceRequest || !ha.takeLock(lockName, node, t)) {
    set("lost_agent_lock");
  } else if (!Object.values(ss).some((sd) => sd.node === node) && lrm.workers.size === 0) {
    if (++lrm.idleRounds > MAX_IDLE_ROUNDS) {
      ha.say(t, `${node}/lrm`, `node had no service configured for ${MAX_IDLE_ROUNDS} rounds, going idle.`);
      ha.locks.delete(lockName);
      set("wait_for_agent_lock");
      lrm.idleRounds = 0;
    }
  } else lrm.idleRounds = 0;
  lrm.timestamp = t; // update_lrm_status
  if (lrm.state !== "active") return;

  const uids = new Set(Object.values(ss).map((sd) => sd.uid));
  for (const uid of lrm.results.keys()) if (!uids.has(uid)) lrm.results.delete(uid);
  for (const sid of Object.keys(ss).sort()) {
    const sd = ss[sid] as ServiceStatus;
    if (sd.node !== node || ["recovery", "freeze", "request_start"].includes(sd.state)) continue;
    if (sd.state !== "stopped" && lrm.results.has(sd.uid)) continue;
    if (lrm.workers.has(sid)) continue;
    execute(ha, node, lrm, sid, sd, t);
  }
}

function execute(ha: HaManager, node: string, lrm: LrmStatus, sid: string, sd: ServiceStatus, t: number): void {
  const uid = sd.uid;
  const done = (code: number) => {
    if (ha.lrm.get(node) !== lrm) return; // the LRM died with its node meanwhile
    lrm.workers.delete(sid);
    lrm.results.set(uid, code);
  };
  const guest = ha.guestOf(sid);
  const cmd = sd.state;
  if (cmd === "error") return done(SUCCESS);
  if (!guest) return done(ERROR);
  if (guest.node !== node) {
    if ((cmd === "migrate" || cmd === "relocate") && guest.node === sd.target) return done(SUCCESS);
    ha.say(t, `${node}/lrm`, `service '${sid}' not on this node`);
    return done(EWRONG_NODE);
  }
  const running = guest.status === "running";
  const ctx = { model: ha.model, events: ha.events };
  lrm.workers.set(sid, cmd);
  try {
    if (cmd === "started") {
      if (running) return done(SUCCESS);
      ha.say(t, `${node}/lrm`, `starting service ${sid}`);
      powerAction(ctx, guest, "start", "root@pam", t, (end) => {
        ha.say(end, `${node}/lrm`, `service status ${sid} started`);
        done(SUCCESS);
      }, (error) => {
        ha.say(t, `${node}/lrm`, `unable to start service ${sid}: ${error}`);
        done(ERROR);
      });
    } else if (cmd === "request_stop" || cmd === "stopped") {
      if (!running) return done(SUCCESS);
      ha.say(t, `${node}/lrm`, `stopping service ${sid}`);
      powerAction(ctx, guest, "shutdown", "root@pam", t, () => done(SUCCESS), () => done(ERROR));
    } else if (cmd === "migrate" || cmd === "relocate" || cmd === "request_start_balance") {
      const target = sd.target as string;
      // PVEVM.pm migrate: online for `migrate` of a VM; a relocate (and every container) is shut down first.
      const online = cmd === "migrate" && guest.type === "qemu";
      const move = (at: number) =>
        migrateGuest(ctx, guest, {
          target, online, restart: false, force: true, withLocalDisks: true, user: "root@pam", at,
          onDone: (ok) => {
            ha.say(at, `${node}/lrm`, `service ${sid} - end ${cmd} to node '${target}'`);
            done(ok && guest.node === target ? SUCCESS : ERROR);
          },
        });
      ha.say(t, `${node}/lrm`, `service ${sid} - start ${cmd} to node '${target}'`);
      if (running && !online) powerAction(ctx, guest, "shutdown", "root@pam", t, (end) => move(Math.ceil(end)), () => done(ERROR));
      else move(t);
    } else done(ERROR);
  } catch (err) {
    // A check that dies before the worker forks (no quorum, ...): the command failed.
    ha.say(t, `${node}/lrm`, `${cmd} ${sid} failed - ${err instanceof Error ? err.message : String(err)}`);
    done(ERROR);
  }
}

import { createHash } from "node:crypto";

import { hasPrivilege } from "../auth";
import type { ClusterModel } from "../cluster";
import { pveDie } from "../errors";
import type { StorageConfig } from "../model-types";
import type { RouteContext, RouteTable } from "../route-types";
import { optNum, optStr, str } from "../route-types";

// Storage config and per-node status: pve-storage src/PVE/API2/Storage/{Config,Status,Content}.pm
// and src/PVE/API2/Disks/ZFS.pm.

const GIB = 1024 ** 3;

export const storageRoutes: RouteTable = {
  "GET /storage": ({ core, auth, params }) => {
    const type = optStr(params, "type");
    const digest = storageDigest(core.model);
    return core.model.storages
      .filter((s) => (!type || s.type === type) && canSee(auth, s.storage))
      .map((s) => ({ ...configView(s), digest }));
  },

  "GET /storage/{storage}": ({ core, params }) => {
    const id = str(params, "storage");
    const cfg = core.model.storageConfig(id) ?? pveDie(`storage '${id}' does not exist`);
    return { ...configView(cfg), digest: storageDigest(core.model) };
  },

  "GET /nodes/{node}/storage": ({ core, auth, params }) => {
    const node = str(params, "node");
    const content = optStr(params, "content")?.split(/[,;\s]+/).filter(Boolean);
    const only = optStr(params, "storage");
    return core.model
      .storagesOn(node)
      .filter((id) => (!only || id === only) && canSee(auth, id))
      .map((id) => statusView(core.model, node, id))
      .filter((s) => !content || content.some((c) => String(s.content).split(",").includes(c)));
  },

  "GET /nodes/{node}/storage/{storage}/status": ({ core, params }) => {
    const { node, storage } = requireStorageOn(core.model, params);
    return statusView(core.model, node, storage);
  },

  "GET /nodes/{node}/storage/{storage}/content": ({ core, params }) => {
    const { node, storage } = requireStorageOn(core.model, params);
    const vmid = optNum(params, "vmid");
    const content = optStr(params, "content");
    return core.model
      .volumesOn(node)
      .filter((v) => v.storage === storage && (vmid === undefined || v.vmid === vmid))
      .map((v) => ({
        volid: v.volid,
        format: v.format,
        size: v.size,
        used: v.used,
        vmid: v.vmid,
        content: v.format === "subvol" ? "rootdir" : "images",
        ctime: Math.floor(v.ctime),
      }))
      .filter((v) => !content || v.content === content)
      .sort((a, b) => (a.volid < b.volid ? -1 : 1));
  },

  "GET /nodes/{node}/disks/zfs": ({ core, params }) => {
    const node = str(params, "node");
    const zfs = core.model.storagesOn(node).filter((id) => core.model.storageConfig(id)?.type === "zfspool");
    // rpool also carries the system datasets (ROOT/pve-1), so it is a bit larger than local-zfs.
    const usage = zfs.reduce((acc, id) => {
      const u = core.model.storageUsage(node, id);
      return { total: acc.total + u.total, used: acc.used + u.used };
    }, { total: 0, used: 0 });
    if (zfs.length === 0) return [];
    const size = usage.total + 100 * GIB;
    const alloc = usage.used + 12 * GIB;
    return [{ name: "rpool", size, alloc, free: size - alloc, frag: Math.min(80, Math.round((alloc / size) * 30)), dedup: 1, health: "ONLINE" }];
  },
};

function canSee(auth: RouteContext["auth"], storage: string): boolean {
  return hasPrivilege(auth, `/storage/${storage}`, "Datastore.Audit") || hasPrivilege(auth, `/storage/${storage}`, "Datastore.AllocateSpace");
}

function requireStorageOn(model: ClusterModel, params: RouteContext["params"]): { node: string; storage: string } {
  const node = str(params, "node");
  const storage = str(params, "storage");
  if (!model.storageConfig(storage)) pveDie(`storage '${storage}' does not exist`);
  if (!model.storageOn(node, storage)) pveDie(`storage '${storage}' is not available on node '${node}'`);
  return { node, storage };
}

function configView(s: StorageConfig): Record<string, unknown> {
  const out: Record<string, unknown> = { storage: s.storage, type: s.type, content: s.content };
  if (s.pool) out.pool = s.pool;
  if (s.path) out.path = s.path;
  if (s.sparse !== undefined) out.sparse = s.sparse;
  if (s.shared) out.shared = 1;
  return out;
}

function statusView(model: ClusterModel, node: string, storage: string): Record<string, unknown> {
  const cfg = model.storageConfig(storage) as StorageConfig;
  const u = model.storageUsage(node, storage);
  return {
    storage,
    type: cfg.type,
    content: cfg.content,
    shared: cfg.shared,
    active: 1,
    enabled: 1,
    total: u.total,
    used: u.used,
    avail: u.avail,
    used_fraction: u.total > 0 ? u.used / u.total : 0,
  };
}

function storageDigest(model: ClusterModel): string {
  return createHash("sha1").update(JSON.stringify(model.storages)).digest("hex");
}

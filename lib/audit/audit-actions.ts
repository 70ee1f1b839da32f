import { z } from "zod";

// The closed list of audited actions (resource.verb). A new privileged action adds its name here.
export const AUDIT_ACTIONS = [
  "auth.signin",
  "setup.complete",
  "page.view",
  "user.create",
  "user.update",
  "user.password_reset",
  "account.password_change",
  "cluster.probe",
  "cluster.test",
  "cluster.create",
  "cluster.update",
  "cluster.delete",
  "cluster.poll",
  "cluster.recovery_credential_set",
  "cluster.recovery_credential_delete",
  "cluster.recovery_credential_test",
  "cluster.host_key_trust",
  "replication.create",
  "replication.update",
  "replication.delete",
  "replication.run",
  "replication.rpo_update",
  "failover.start",
  "failover.pause",
  "failover.resume",
  "failover.abandon",
  "failover.check",
  "failover.task",
  "failover.step",
  "failover.finish",
  "failover.failback_choice",
  "failover.start_choice",
  "failover.confirm_fenced",
  "alert.acknowledge",
  "alert.silence",
  "alert.unsilence",
  "alert.rule_update",
  "alert.channel_create",
  "alert.channel_update",
  "alert.channel_delete",
  "alert.channel_test",
  "alert.metrics_token_create",
  "alert.metrics_token_delete",
  "alert.push_register",
  "alert.push_received",
  "alert.push_refused",
] as const;
export const auditActionSchema = z.enum(AUDIT_ACTIONS);
export type AuditAction = z.infer<typeof auditActionSchema>;

export const AUDIT_OUTCOMES = ["success", "failure", "denied"] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

export const ACTOR_TYPES = ["user", "system", "poller", "anonymous"] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];

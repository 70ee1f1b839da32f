-- AlterTable
ALTER TABLE "ReplicationJob" ADD COLUMN "lateAt" INTEGER;
ALTER TABLE "ReplicationJob" ADD COLUMN "overRpoAt" INTEGER;

-- CreateIndex
CREATE INDEX "ReplicationJob_goneAt_overRpoAt_idx" ON "ReplicationJob"("goneAt", "overRpoAt");

-- CreateIndex
CREATE INDEX "ReplicationJob_goneAt_vmid_idx" ON "ReplicationJob"("goneAt", "vmid");

-- CreateIndex
CREATE INDEX "ReplicationJob_clusterId_vmid_idx" ON "ReplicationJob"("clusterId", "vmid");

-- CreateTable
CREATE TABLE "HaState" (
    "clusterId" TEXT NOT NULL PRIMARY KEY,
    "placementApi" TEXT NOT NULL,
    "resources" TEXT NOT NULL DEFAULT '[]',
    "placement" TEXT NOT NULL DEFAULT '[]',
    "lrm" TEXT NOT NULL DEFAULT '[]',
    "master" TEXT,
    "readAt" DATETIME,
    "clusterTime" INTEGER,
    "error" TEXT,
    "errorAt" DATETIME,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "HaState_clusterId_fkey" FOREIGN KEY ("clusterId") REFERENCES "Cluster" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "GuestDiskList" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "clusterId" TEXT NOT NULL,
    "vmid" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "node" TEXT NOT NULL,
    "disks" TEXT NOT NULL DEFAULT '[]',
    "jobsKey" TEXT NOT NULL,
    "readAt" DATETIME,
    "readClusterTime" INTEGER,
    "error" TEXT,
    "errorAt" DATETIME,
    CONSTRAINT "GuestDiskList_clusterId_fkey" FOREIGN KEY ("clusterId") REFERENCES "Cluster" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "NodeOutage" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "clusterId" TEXT NOT NULL,
    "node" TEXT NOT NULL,
    "lastSeenUp" INTEGER,
    "failedAt" INTEGER NOT NULL,
    "failedAtFrom" TEXT NOT NULL,
    "detectedAt" INTEGER NOT NULL,
    "endedAt" INTEGER,
    CONSTRAINT "NodeOutage_clusterId_fkey" FOREIGN KEY ("clusterId") REFERENCES "Cluster" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "OutageGuest" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "outageId" TEXT NOT NULL,
    "vmid" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "name" TEXT,
    "statusBefore" TEXT NOT NULL,
    "haManaged" BOOLEAN NOT NULL,
    "replicas" TEXT NOT NULL DEFAULT '[]',
    "fencedAt" INTEGER,
    "recoveredTo" TEXT,
    "recoveredAt" INTEGER,
    "startedAt" INTEGER,
    "turnedAroundAt" INTEGER,
    "problem" TEXT,
    "problemAt" INTEGER,
    CONSTRAINT "OutageGuest_outageId_fkey" FOREIGN KEY ("outageId") REFERENCES "NodeOutage" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "FailoverEvent" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "clusterId" TEXT NOT NULL,
    "outageId" TEXT,
    "vmid" INTEGER,
    "node" TEXT,
    "at" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    CONSTRAINT "FailoverEvent_clusterId_fkey" FOREIGN KEY ("clusterId") REFERENCES "Cluster" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "GuestDiskList_clusterId_vmid_key" ON "GuestDiskList"("clusterId", "vmid");

-- CreateIndex
CREATE INDEX "NodeOutage_clusterId_endedAt_idx" ON "NodeOutage"("clusterId", "endedAt");

-- CreateIndex
CREATE UNIQUE INDEX "OutageGuest_outageId_vmid_key" ON "OutageGuest"("outageId", "vmid");

-- CreateIndex
CREATE INDEX "FailoverEvent_clusterId_at_idx" ON "FailoverEvent"("clusterId", "at");

-- CreateIndex
CREATE INDEX "FailoverEvent_outageId_idx" ON "FailoverEvent"("outageId");

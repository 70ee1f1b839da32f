-- CreateTable
CREATE TABLE "Cluster" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "endpoints" TEXT NOT NULL,
    "authKind" TEXT NOT NULL,
    "principal" TEXT NOT NULL,
    "secretSealed" TEXT NOT NULL,
    "trustKind" TEXT NOT NULL,
    "trustValue" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "pollIntervalSeconds" INTEGER NOT NULL DEFAULT 15,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "lastPollAt" DATETIME,
    "lastPollOkAt" DATETIME,
    "lastError" TEXT,
    "lastErrorKind" TEXT,
    "clockSkewMs" INTEGER,
    "quorate" BOOLEAN,
    "pveVersion" TEXT,
    "historyMaintainedAt" INTEGER
);

-- CreateTable
CREATE TABLE "ClusterNode" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "clusterId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "online" BOOLEAN NOT NULL,
    "lastSeenAt" DATETIME,
    "ip" TEXT,
    "sslFingerprint" TEXT,
    "storage" TEXT NOT NULL DEFAULT '[]',
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "ClusterNode_clusterId_fkey" FOREIGN KEY ("clusterId") REFERENCES "Cluster" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Guest" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "clusterId" TEXT NOT NULL,
    "vmid" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "name" TEXT,
    "node" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "haState" TEXT,
    "template" BOOLEAN NOT NULL DEFAULT false,
    "lastSeenAt" DATETIME NOT NULL,
    "goneAt" DATETIME,
    CONSTRAINT "Guest_clusterId_fkey" FOREIGN KEY ("clusterId") REFERENCES "Cluster" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ReplicationJob" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "clusterId" TEXT NOT NULL,
    "jobId" TEXT NOT NULL,
    "vmid" INTEGER NOT NULL,
    "jobnum" INTEGER NOT NULL,
    "source" TEXT,
    "target" TEXT NOT NULL,
    "schedule" TEXT NOT NULL,
    "rate" REAL,
    "comment" TEXT,
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    "removeJob" TEXT,
    "lastSync" INTEGER,
    "lastTry" INTEGER,
    "nextSync" INTEGER,
    "duration" REAL,
    "failCount" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "pid" INTEGER,
    "stateNode" TEXT,
    "stateReadAt" DATETIME,
    "stateClusterTime" INTEGER,
    "status" TEXT NOT NULL,
    "statusMessage" TEXT,
    "lagSeconds" INTEGER,
    "rpoSeconds" INTEGER,
    "polledAt" INTEGER,
    "sampleAt" INTEGER,
    "sampleLag" INTEGER,
    "firstSeenAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "goneAt" DATETIME,
    CONSTRAINT "ReplicationJob_clusterId_fkey" FOREIGN KEY ("clusterId") REFERENCES "Cluster" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "JobRun" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "jobRowId" TEXT NOT NULL,
    "startedAt" INTEGER NOT NULL,
    "endedAt" INTEGER,
    "durationSeconds" REAL,
    "outcome" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "error" TEXT,
    "log" TEXT,
    "logFetchedAt" DATETIME,
    CONSTRAINT "JobRun_jobRowId_fkey" FOREIGN KEY ("jobRowId") REFERENCES "ReplicationJob" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "LagSample" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "jobRowId" TEXT NOT NULL,
    "at" INTEGER NOT NULL,
    "lagSeconds" INTEGER,
    "status" TEXT NOT NULL,
    CONSTRAINT "LagSample_jobRowId_fkey" FOREIGN KEY ("jobRowId") REFERENCES "ReplicationJob" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "LagRollup" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "jobRowId" TEXT NOT NULL,
    "bucketSeconds" INTEGER NOT NULL,
    "bucketStart" INTEGER NOT NULL,
    "minLag" INTEGER,
    "maxLag" INTEGER,
    "avgLag" REAL,
    "count" INTEGER NOT NULL,
    "coveredSeconds" INTEGER NOT NULL,
    "overRpoSeconds" INTEGER NOT NULL,
    CONSTRAINT "LagRollup_jobRowId_fkey" FOREIGN KEY ("jobRowId") REFERENCES "ReplicationJob" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PollerLease" (
    "clusterId" TEXT NOT NULL PRIMARY KEY,
    "holder" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    CONSTRAINT "PollerLease_clusterId_fkey" FOREIGN KEY ("clusterId") REFERENCES "Cluster" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "Cluster_name_key" ON "Cluster"("name");

-- CreateIndex
CREATE UNIQUE INDEX "ClusterNode_clusterId_name_key" ON "ClusterNode"("clusterId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "Guest_clusterId_vmid_key" ON "Guest"("clusterId", "vmid");

-- CreateIndex
CREATE INDEX "ReplicationJob_status_idx" ON "ReplicationJob"("status");

-- CreateIndex
CREATE UNIQUE INDEX "ReplicationJob_clusterId_jobId_key" ON "ReplicationJob"("clusterId", "jobId");

-- CreateIndex
CREATE INDEX "JobRun_jobRowId_endedAt_idx" ON "JobRun"("jobRowId", "endedAt");

-- CreateIndex
CREATE UNIQUE INDEX "JobRun_jobRowId_startedAt_key" ON "JobRun"("jobRowId", "startedAt");

-- CreateIndex
CREATE INDEX "LagSample_jobRowId_at_idx" ON "LagSample"("jobRowId", "at");

-- CreateIndex
CREATE INDEX "LagSample_at_idx" ON "LagSample"("at");

-- CreateIndex
CREATE UNIQUE INDEX "LagRollup_jobRowId_bucketSeconds_bucketStart_key" ON "LagRollup"("jobRowId", "bucketSeconds", "bucketStart");

-- CreateTable
CREATE TABLE "FailoverOperation" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "clusterId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "sourceNode" TEXT,
    "state" TEXT NOT NULL,
    "parallelism" INTEGER NOT NULL DEFAULT 1,
    "plan" TEXT NOT NULL DEFAULT '{}',
    "createdById" TEXT,
    "createdByLabel" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "endedAt" DATETIME,
    "pauseRequested" BOOLEAN NOT NULL DEFAULT false,
    "abandonRequested" BOOLEAN NOT NULL DEFAULT false,
    "leaseHolder" TEXT,
    "leaseExpiresAt" DATETIME,
    "summary" TEXT
);

-- CreateTable
CREATE TABLE "FailoverStep" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "operationId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "vmid" INTEGER NOT NULL DEFAULT 0,
    "kind" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "params" TEXT NOT NULL DEFAULT '{}',
    "state" TEXT NOT NULL,
    "checks" TEXT NOT NULL DEFAULT '[]',
    "upid" TEXT,
    "actedAt" DATETIME,
    "startedAt" DATETIME,
    "endedAt" DATETIME,
    "deadlineAt" DATETIME,
    "result" TEXT NOT NULL DEFAULT '{}',
    "message" TEXT,
    CONSTRAINT "FailoverStep_operationId_fkey" FOREIGN KEY ("operationId") REFERENCES "FailoverOperation" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "FailoverLock" (
    "clusterId" TEXT NOT NULL,
    "vmid" INTEGER NOT NULL,
    "operationId" TEXT NOT NULL,
    "holderId" TEXT,
    "holderLabel" TEXT NOT NULL,
    "acquiredAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("clusterId", "vmid")
);

-- CreateIndex
CREATE INDEX "FailoverOperation_state_idx" ON "FailoverOperation"("state");

-- CreateIndex
CREATE INDEX "FailoverOperation_clusterId_createdAt_idx" ON "FailoverOperation"("clusterId", "createdAt");

-- CreateIndex
CREATE INDEX "FailoverStep_operationId_vmid_idx" ON "FailoverStep"("operationId", "vmid");

-- CreateIndex
CREATE UNIQUE INDEX "FailoverStep_operationId_seq_key" ON "FailoverStep"("operationId", "seq");

-- CreateIndex
CREATE INDEX "FailoverLock_operationId_idx" ON "FailoverLock"("operationId");

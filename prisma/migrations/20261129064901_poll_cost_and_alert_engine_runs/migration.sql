-- AlterTable
ALTER TABLE "Cluster" ADD COLUMN "lastPollMs" INTEGER;
ALTER TABLE "Cluster" ADD COLUMN "lastPollRequests" INTEGER;

-- CreateTable
CREATE TABLE "AlertEngineRun" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "holder" TEXT,
    "expiresAt" DATETIME,
    "lastOkAt" DATETIME,
    "failures" INTEGER NOT NULL DEFAULT 0,
    "lastFailure" TEXT,
    "lastFailureAt" DATETIME
);

-- CreateTable
CREATE TABLE "PollerHeartbeat" (
    "holder" TEXT NOT NULL PRIMARY KEY,
    "startedAt" DATETIME NOT NULL,
    "lastTickAt" DATETIME,
    "lastTickOkAt" DATETIME,
    "tickFailures" INTEGER NOT NULL DEFAULT 0,
    "lastFailure" TEXT,
    "lastFailureAt" DATETIME,
    "stoppedAt" DATETIME
);

-- AlterTable (additive: new nullable or defaulted columns, no table rebuild)
ALTER TABLE "Cluster" ADD COLUMN "timeZone" TEXT;
ALTER TABLE "Cluster" ADD COLUMN "timeZoneReadAt" DATETIME;
ALTER TABLE "Cluster" ADD COLUMN "pollFailures" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "Cluster" ADD COLUMN "lastPollFailureAt" DATETIME;
ALTER TABLE "Cluster" ADD COLUMN "lastPollFailure" TEXT;

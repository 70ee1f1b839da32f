-- CreateTable
CREATE TABLE "JobUnprotected" (
    "jobRowId" TEXT NOT NULL PRIMARY KEY,
    "since" INTEGER NOT NULL,
    "fromNode" TEXT NOT NULL,
    "toNode" TEXT NOT NULL,
    CONSTRAINT "JobUnprotected_jobRowId_fkey" FOREIGN KEY ("jobRowId") REFERENCES "ReplicationJob" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

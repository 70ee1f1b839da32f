-- CreateTable
CREATE TABLE "RecoveryCredential" (
    "clusterId" TEXT NOT NULL PRIMARY KEY,
    "username" TEXT NOT NULL DEFAULT 'root',
    "port" INTEGER NOT NULL DEFAULT 22,
    "authKind" TEXT NOT NULL,
    "secretSealed" TEXT NOT NULL,
    "nodeAddresses" TEXT NOT NULL DEFAULT '{}',
    "updatedByLabel" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "lastTestAt" DATETIME,
    "lastTest" TEXT,
    CONSTRAINT "RecoveryCredential_clusterId_fkey" FOREIGN KEY ("clusterId") REFERENCES "Cluster" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "NodeHostKey" (
    "clusterId" TEXT NOT NULL,
    "node" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "pinnedAt" DATETIME NOT NULL,
    "offeredFingerprint" TEXT,
    "offeredAt" DATETIME,

    PRIMARY KEY ("clusterId", "node"),
    CONSTRAINT "NodeHostKey_clusterId_fkey" FOREIGN KEY ("clusterId") REFERENCES "Cluster" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

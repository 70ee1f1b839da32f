-- AlterTable
ALTER TABLE "OutageGuest" ADD COLUMN "autoHoldProblem" TEXT;
ALTER TABLE "OutageGuest" ADD COLUMN "autoHoldProblemAt" INTEGER;

-- AlterTable (a plain ADD COLUMN with a constant default, not Prisma's table rebuild, so a
-- column another migration adds to Cluster meanwhile is never dropped by copying the table)
ALTER TABLE "Cluster" ADD COLUMN "failbackAutoHold" BOOLEAN NOT NULL DEFAULT true;

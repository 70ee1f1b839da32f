-- AlterTable
ALTER TABLE "Cluster" ADD COLUMN "pollRequestedAt" DATETIME;

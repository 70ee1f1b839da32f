-- AlterTable
ALTER TABLE "FailoverStep" ADD COLUMN "decision" TEXT;

-- AlterTable
ALTER TABLE "GuestDiskList" ADD COLUMN "startupOrder" INTEGER;

"use client";

import { useState } from "react";
import { Plus } from "lucide-react";
import { Button } from "@/components/ui/button";
import { ClusterWizard } from "./cluster-wizard";

export function AddClusterButton() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button onClick={() => setOpen(true)}>
        <Plus aria-hidden /> Add cluster
      </Button>
      <ClusterWizard open={open} onOpenChange={setOpen} />
    </>
  );
}

import { redirect } from "next/navigation";

// Jobs are listed on the overview; /replication only exists as the parent of job pages.
export default function ReplicationIndex() {
  redirect("/");
}

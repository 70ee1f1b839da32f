import type { RouteTable } from "../route-types";
import { accessRoutes } from "./access";
import { clusterRoutes } from "./cluster";
import { guestActionRoutes } from "./guest-actions";
import { guestRoutes } from "./guests";
import { haResourceRoutes } from "./ha-resources";
import { haRuleRoutes } from "./ha-rules";
import { haStatusRoutes } from "./ha-status";
import { replicationRoutes } from "./replication";
import { storageRoutes } from "./storage";
import { taskRoutes } from "./tasks";

/** Every simulated endpoint, keyed `METHOD /template` as in the schema; schema paths without an entry answer 501. */
export const ROUTES: RouteTable = {
  ...accessRoutes,
  ...clusterRoutes,
  ...guestRoutes,
  ...guestActionRoutes,
  ...haResourceRoutes,
  ...haRuleRoutes,
  ...haStatusRoutes,
  ...replicationRoutes,
  ...storageRoutes,
  ...taskRoutes,
};

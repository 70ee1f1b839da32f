import { z } from "zod";

// Length is what makes a password strong; composition rules only make people write them down.
export const newPasswordSchema = z
  .string()
  .min(10, "Use at least 10 characters.")
  .max(200, "Use at most 200 characters.");

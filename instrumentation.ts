// Runs once when the server starts, before it serves requests.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { bootServerOrExit } = await import("@/lib/boot");
  await bootServerOrExit();
}

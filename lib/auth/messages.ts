// Shared by the server (thrown from authorize) and the sign-in form (shown as is).
export const INVALID_CREDENTIALS_MESSAGE = "The email or password is not correct.";

export function formatRetryMessage(retryAt: Date, now: Date): string {
  const minutes = Math.max(1, Math.ceil((retryAt.getTime() - now.getTime()) / 60_000));
  const clock = retryAt.toISOString().slice(11, 16);
  return `Too many failed sign-ins. Try again in ${minutes} minute${minutes === 1 ? "" : "s"} (at ${clock} UTC).`;
}

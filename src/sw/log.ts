/**
 * Logs a failure nobody asked about (a background run, an event) or that the user cannot act on:
 * what failed, the error's name and the ids given — never the error's message nor any request
 * content, which may quote a message or name a patient.
 */
export function logFailure(what: string, error: unknown, ...ids: string[]): void {
  console.error(`relais sw: ${what} failed`, error instanceof Error ? error.name : 'unknown', ...ids);
}

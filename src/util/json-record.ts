/**
 * The top-level object of a JSON text read from a file this program keeps (remembered rooms, windows): an
 * empty record when the text is not JSON or not an object, so a damaged file loses its contents, not the start.
 */
export function jsonRecord(text: string): Record<string, unknown> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return {};
  }
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
}

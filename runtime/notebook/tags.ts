/** nbformat cell tags, read the one way every command reads them. */

/** A cell's nbformat tags (metadata.tags), strings only. */
export function tagsOf(metadata: Record<string, unknown>): string[] {
  const tags = metadata["tags"];
  return Array.isArray(tags) ? tags.filter((t): t is string => typeof t === "string") : [];
}

/** Counted nouns in messages: "1 cell", "2 cells", never "1 cells". */
export function counted(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

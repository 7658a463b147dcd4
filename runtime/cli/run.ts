/** Placeholder until this subcommand lands; it fails loudly rather than pretending. */
export async function main(_args: string[]): Promise<number> {
  process.stderr.write("replab: this command is not built yet\n");
  return 70;
}

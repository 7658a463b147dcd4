/** An ES module a notebook imports by its .mjs name. */
export function shout(text) {
  return `${text.toUpperCase()}!`;
}

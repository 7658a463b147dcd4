/** A tsc-compiled CommonJS module with a default export. */
declare const greeter: { hello(name: string): string };
export default greeter;

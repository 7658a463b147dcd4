/** A package compiled by tsc to CommonJS with a default export. */
declare const greeter: { hello(name: string): string };
export default greeter;
/** A named export beside the default one. */
export declare const LOUD: string;

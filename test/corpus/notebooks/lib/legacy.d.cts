/** A CommonJS module's exports. */
declare const legacy: { twice(n: number): number };
export = legacy;

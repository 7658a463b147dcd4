"use strict";
// What tsc emits for a package's `export default { hello }` and `export const LOUD` (CommonJS).
Object.defineProperty(exports, "__esModule", { value: true });
exports.LOUD = void 0;
exports.LOUD = "HELLO";
exports.default = {
  hello(name) {
    return "hello, " + name;
  },
};

"use strict";
// What tsc emits for `export default { hello }` with module CommonJS.
Object.defineProperty(exports, "__esModule", { value: true });
function hello(name) {
  return "hello, " + name;
}
exports.default = { hello: hello };

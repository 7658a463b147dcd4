// A CommonJS module as older code is written (module.exports, no default export).
module.exports = {
  twice(n) {
    return n * 2;
  },
};

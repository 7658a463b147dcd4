/** The environment variable that hands a child `node` process its Math.random stream key. */
export const CHILD_RANDOM_VARIABLE = "REPLAB_CHILD_RANDOM";

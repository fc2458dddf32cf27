/** Element ids unique within a page build and stable from build to build (no Math.random). */
let counter = 0;
export const nextId = (prefix: string) => `${prefix}-${(counter++).toString(36)}`;

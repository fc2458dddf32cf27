/// <reference types="astro/client" />

// Plain `tsc` cannot read .astro files (`astro check` can, and checks them); this lets tsc
// type-check the TypeScript that imports components.
declare module '*.astro' {
  const Component: (props: Record<string, unknown>) => unknown;
  export default Component;
}

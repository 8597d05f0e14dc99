/** The `never` check that ends every switch over a union: adding a member breaks the build here. */
export function unreachable(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}

// Module resolution hooks (registered by register.mjs): a bare specifier that the normal
// resolution cannot find is looked up once more from this folder, where `pnpm bench:peers`
// installs the benchmark-only peers.
const here = new URL('./package.json', import.meta.url).href;

/** @type {import('node:module').ResolveHook} */
export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    const bare = !specifier.startsWith('.') && !specifier.startsWith('/') && !specifier.includes(':');
    if (!bare || context.parentURL === here) throw error;
    return nextResolve(specifier, { ...context, parentURL: here });
  }
}

/**
 * Preloaded into every benchmark server (with --expose-gc): SIGUSR2 runs a full garbage
 * collection, so the memory scenario reads RSS without the garbage of earlier connections.
 */
const gc = (globalThis as { gc?: () => void }).gc
if (gc !== undefined) process.on('SIGUSR2', () => gc())

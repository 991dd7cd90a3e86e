// Loaded into every tap test process (.taprc node-arg). Tests spawn servers, CLIs and tsx
// children that load the same sources through another transpiler; c8 would merge their V8
// coverage by file URL with mismatched offsets and report nonsense. Node has already fixed this
// process's coverage directory at start-up, so removing the variable only stops the children.
delete process.env.NODE_V8_COVERAGE

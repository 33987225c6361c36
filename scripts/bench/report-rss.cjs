// Preloaded (`node --require`) into a process that bench:store measures: on exit, its peak resident
// memory goes to stderr as one JSON line, `{"maxRssKb":N}`.
process.on('exit', () => {
  process.stderr.write(`${JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS })}\n`);
});

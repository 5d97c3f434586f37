// Start-up frees a lot at once (the parsed TOML document of a large
// configuration is ~150 MB at 10,000 line items). jemalloc keeps freed
// pages for its decay time (~10 s) and serves the next allocations from
// fresh ones meanwhile, so the peak RSS would carry both. Purging once
// after the load returns them at once. A no-op without jemalloc
// (sanitizer builds).
#pragma once

namespace bidline {

void release_free_memory();

}  // namespace bidline

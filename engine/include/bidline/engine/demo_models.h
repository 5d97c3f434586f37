// The demo's trained click model, built into the binary so that the
// embedded demo configuration bids with a real model out of the box. The
// bundle's source is config/demo/models/click/ (config/demo/README.md says
// how it was trained); the build turns its files into string constants.
//
// Start-up only, on the main thread, before the model registry is seeded:
// `serve` without --config writes the files into DATA_DIR/demo-models/click/
// and names that directory in [models]. Throws std::runtime_error (naming
// the path) when the files cannot be written.
#pragma once

#include <filesystem>
#include <span>
#include <string_view>

#include "bidline/config/config.h"

namespace bidline {

struct EmbeddedFile {
    std::string_view name;   // file name inside the bundle directory
    std::string_view bytes;  // exact content
};

// model.json, schema.json, metrics.json, reference.json (generated source).
std::span<const EmbeddedFile> demo_click_model_files();

// Writes the bundle into `bundle_dir`: only the files whose content differs
// from what is there, each atomically (tmp file + rename), so a restart
// leaves the files untouched.
void write_demo_click_model(const std::filesystem::path& bundle_dir);

// Writes the bundle under the configuration's data directory and points
// config.models.click at it.
void use_demo_click_model(Config& config);

}  // namespace bidline

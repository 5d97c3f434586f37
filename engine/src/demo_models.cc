#include "bidline/engine/demo_models.h"

#include <system_error>

#include "bidline/engine/durable_file.h"

namespace bidline {

namespace {

bool holds(const std::filesystem::path& path, std::string_view bytes) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec) || std::filesystem::file_size(path, ec) != bytes.size() || ec)
        return false;
    return read_whole_file(path) == bytes;
}

}  // namespace

void write_demo_click_model(const std::filesystem::path& bundle_dir) {
    std::filesystem::create_directories(bundle_dir);
    for (const EmbeddedFile& f : demo_click_model_files())
        if (!holds(bundle_dir / f.name, f.bytes)) write_file_durably(bundle_dir / f.name, f.bytes);
}

void use_demo_click_model(Config& config) {
    const std::filesystem::path dir = std::filesystem::path(config.engine.data_dir) / "demo-models" / "click";
    write_demo_click_model(dir);
    config.models.click = dir.string();
}

}  // namespace bidline

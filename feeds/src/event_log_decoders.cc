#include "bidline/feeds/event_log_decoders.h"

#include <array>
#include <mutex>

namespace bidline::feeds {
namespace {

struct Registry {
    std::mutex mutex;
    std::array<RecordDecoderEntry, 256> entries;  // indexed by the type byte
};

Registry& registry() {
    static Registry r;
    return r;
}

}  // namespace

void register_record_decoder(RecordType type, std::string_view name, RecordDecoder decoder) {
    Registry& r = registry();
    const std::lock_guard lock(r.mutex);
    r.entries[static_cast<std::uint8_t>(type)] = RecordDecoderEntry{std::string(name), std::move(decoder)};
}

RecordDecoderEntry find_record_decoder(RecordType type) {
    Registry& r = registry();
    RecordDecoderEntry entry;
    {
        const std::lock_guard lock(r.mutex);
        entry = r.entries[static_cast<std::uint8_t>(type)];
    }
    if (entry.name.empty()) entry.name = std::string(builtin_record_type_name(type));
    if (entry.name.empty()) entry.name = "unknown:" + std::to_string(static_cast<unsigned>(type));
    return entry;
}

}  // namespace bidline::feeds

// The path of the field the OpenRTB parser is reading, e.g. `imp[0].banner.w`,
// kept as a small stack so that an error anywhere can name its field without
// the parser formatting anything until something actually fails.
// Lives inside one OpenRtbParser (one shard); not thread-safe.
#pragma once

#include <array>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace bidline::openrtb {

class FieldPath {
public:
    // Entering an object pushes a segment whose key changes with each field.
    void enter_object() {
        assert(depth_ < kMaxDepth && "the parser only descends into known OpenRTB objects");
        segments_[depth_++] = Segment{};
    }
    void leave_object() { --depth_; }
    void set_key(std::string_view key) { segments_[depth_ - 1] = Segment{key, -1}; }

    // Array elements index the segment of the key that holds the array.
    void set_index(std::int32_t i) {
        if (depth_ > 0) segments_[depth_ - 1].index = i;
    }
    void clear_index() { set_index(-1); }

    // For the request-wide rules checked after the walk, e.g. a missing `id`.
    void point_at_top_level(std::string_view key) {
        depth_ = 1;
        segments_[0] = Segment{key, -1};
    }

    // Writes e.g. "imp[0].banner.w" (NUL-terminated, truncated to fit);
    // "(document)" for the top level.
    void render(char* out, std::size_t cap) const;

private:
    struct Segment {
        std::string_view key;
        std::int32_t index = -1;
    };
    // Deepest path read: root > user > ext > eids, or imp[i] > pmp > deals[j] > id.
    static constexpr std::size_t kMaxDepth = 8;
    std::array<Segment, kMaxDepth> segments_{};
    std::size_t depth_ = 0;
};

}  // namespace bidline::openrtb

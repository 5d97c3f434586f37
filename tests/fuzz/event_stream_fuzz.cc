// Fuzzes the binary event stream as the server reads it: frames cut out of
// arbitrary bytes, then HELLO / EVENT payloads parsed, the event flatbuffer
// verified and decoded, and the stream's event checks applied. Besides
// memory errors it checks the reader's promises: a complete frame never
// claims more bytes than it was given, its length is within the limit, and
// an event that passes the checks survives a re-encode unchanged.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "fuzz_check.h"
#include "bidline/feeds/event_codec.h"
#include "bidline/feeds/event_stream_protocol.h"


extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace bidline::feeds;
    static flatbuffers::FlatBufferBuilder builder;
    std::span<const std::uint8_t> bytes(data, size);
    for (int frames = 0; frames < 64 && !bytes.empty(); ++frames) {
        const stream::FrameView f = stream::next_frame(bytes);
        if (f.status != stream::FrameStatus::complete) break;
        check(f.consumed <= bytes.size() && f.consumed == stream::kHeaderBytes + f.payload.size());
        check(f.length <= stream::kMaxFrameLength);
        if (f.type == static_cast<std::uint8_t>(stream::FrameType::hello)) {
            stream::Hello hello;
            if (stream::parse_hello(f.payload, hello).empty()) check(!hello.name.empty() && hello.name.size() <= stream::kMaxStreamName);
        } else if (f.type == static_cast<std::uint8_t>(stream::FrameType::event)) {
            if (stream::read_seq(f.payload) && f.payload.size() > stream::kSeqBytes) {
                Event e;
                if (decode_event(f.payload.data() + stream::kSeqBytes, f.payload.size() - stream::kSeqBytes, e).ok() &&
                    stream::check_stream_event(e).ok()) {
                    builder.Clear();
                    const auto again = encode_event(e, builder);
                    Event back;
                    check(decode_event(again.data(), again.size(), back).ok());
                    check(back == e);
                }
            }
        } else if (f.type == static_cast<std::uint8_t>(stream::FrameType::reject)) {
            (void)stream::parse_reject(f.payload);
        }
        bytes = bytes.subspan(f.consumed);
    }
    return 0;
}

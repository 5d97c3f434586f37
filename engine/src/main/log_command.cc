// `bidline log cat PATH...`: the event log as NDJSON, one object per record,
// for people and for jq. Payloads are decoded by whatever decoder is
// registered for their record type (feeds/event_log_decoders.h); others are
// printed as base64 so nothing is hidden.
#include <simdjson.h>

#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "bidline/engine/cli_args.h"
#include "bidline/engine/json_writer.h"
#include "bidline/feeds/event_log_decoders.h"
#include "bidline/feeds/event_log_lock.h"
#include "bidline/feeds/event_log_reader.h"
#include "bidline/feeds/event_codec.h"
#include "bidline/feeds/traffic_record.h"
#include "main/commands.h"

namespace bidline {
namespace {

constexpr const char* kLogHelp = R"(usage: bidline log cat [--repair] PATH...

Prints every record of an event log as one JSON object per line:
  {"segment":N,"offset":N,"type":"NAME","size":N, <decoded fields> | "payload_b64":"..."}
PATH is a log directory (all its segments in order) or a single segment file.

The last segment of a log may end in a torn tail (a crash mid-append). It is
reported on stderr and not printed; the files are left alone, so this is safe
on the log of a running engine. --repair truncates the torn tail away, as the
engine does on start; it is refused while another process holds the log.

Exit status: 0; 1 if a log is corrupt or unreadable (the records before the
damage are printed, the damage is described on stderr); 2 on usage errors.
)";

std::string base64(std::span<const std::byte> bytes) {
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        const auto v = std::to_integer<std::uint32_t>(bytes[i]) << 16 |
                       std::to_integer<std::uint32_t>(bytes[i + 1]) << 8 | std::to_integer<std::uint32_t>(bytes[i + 2]);
        for (int shift : {18, 12, 6, 0}) out += kAlphabet[(v >> shift) & 63];
    }
    if (const std::size_t rest = bytes.size() - i; rest > 0) {
        std::uint32_t v = std::to_integer<std::uint32_t>(bytes[i]) << 16;
        if (rest == 2) v |= std::to_integer<std::uint32_t>(bytes[i + 1]) << 8;
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

// Decoder lookups cached per type byte: the registry is fixed once we run.
class RecordPrinter {
public:
    void print(const feeds::RecordView& r) {
        auto& entry = cache_[static_cast<std::uint8_t>(r.type)];
        if (!entry) entry = feeds::find_record_decoder(r.type);
        JsonWriter w;
        w.begin_object()
            .field("segment", r.segment)
            .field("offset", r.offset)
            .field("type", std::string_view(entry->name))
            .field("size", static_cast<std::uint64_t>(r.payload.size()));
        decoded_.clear();
        if (entry->decode && entry->decode(r.payload, decoded_) && decoded_.size() >= 2 && decoded_.front() == '{' &&
            decoded_.back() == '}') {
            const std::string_view members(decoded_.data() + 1, decoded_.size() - 2);
            if (!members.empty()) w.raw(members);  // splice the decoder's fields into our object
        } else {
            if (entry->decode) w.field("decode_error", true);
            w.field("payload_b64", std::string_view(base64(r.payload)));
        }
        w.end_object();
        std::string line = w.take();
        line += '\n';
        std::fwrite(line.data(), 1, line.size(), stdout);
    }

private:
    std::optional<feeds::RecordDecoderEntry> cache_[256];
    std::string decoded_;
};

void report_tail(const std::string& path, const feeds::TailRepair& t) {
    std::fprintf(stderr, "bidline log: %s: torn tail in %s: %llu bytes after offset %llu (%s) %s\n", path.c_str(),
                 t.path.c_str(), static_cast<unsigned long long>(t.dropped_bytes),
                 static_cast<unsigned long long>(t.valid_bytes), t.reason.c_str(),
                 t.applied ? (t.removed_file ? "removed" : "repaired") : "skipped (use --repair to truncate)");
}

int cat_path(const std::string& arg, feeds::TailMode mode, RecordPrinter& printer) {
    const std::filesystem::path path(arg);
    const bool is_directory = std::filesystem::is_directory(path);
    try {
        std::optional<feeds::LogDirectoryLock> lock;  // repairing: we must be the only one touching the log
        if (mode == feeds::TailMode::repair)
            lock.emplace(is_directory ? path : path.parent_path().empty() ? "." : path.parent_path());
        feeds::LogReader reader =
            is_directory ? feeds::LogReader::open_directory(path, mode) : feeds::LogReader::open_files({path}, mode);
        if (reader.tail()) report_tail(arg, *reader.tail());
        feeds::RecordView record;
        while (reader.next(record)) printer.print(record);
        if (reader.error()) {
            std::fflush(stdout);
            std::fprintf(stderr, "bidline log: %s: %s\n", arg.c_str(), reader.error()->message().c_str());
            return 1;
        }
        return 0;
    } catch (const feeds::LogFileError& e) {
        std::fflush(stdout);
        std::fprintf(stderr, "bidline log: %s: %s\n", arg.c_str(), e.what());
        return 1;
    }
}

}  // namespace

namespace {
// Feed events print with their fields (ids, kind, time, money in micros).
void register_feed_event_decoder() {
    feeds::register_record_decoder(feeds::RecordType::feed_event, "feed_event", [](std::span<const std::byte> payload, std::string& out) {
        feeds::Event e;
        if (!feeds::decode_event(reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size(), e).ok()) return false;
        JsonWriter j;
        j.begin_object()
            .field("kind", feeds::to_string(e.kind))
            .field("platform", feeds::to_string(e.platform))
            .field("event_id", e.event_id.view())
            .field("bid_id", e.bid_id.view())
            .field("line_item", e.line_item_id.view())
            .field("campaign", e.campaign_id.view())
            .field("user_id", e.user_id.view())
            .field("ts_us", static_cast<std::int64_t>(e.ts.time_since_epoch().count()))
            .field("price_micros", e.price.value())
            .field("value_micros", e.value.value())
            .end_object();
        out += j.str();
        return true;
    });
}

std::string_view text(const flatbuffers::String* s) { return s == nullptr ? std::string_view{} : s->string_view(); }

// Logged requests print with their decision; the request itself as a JSON
// object when it is valid JSON (re-minified onto one line), else as "body".
void register_bid_request_decoder() {
    feeds::register_record_decoder(feeds::RecordType::bid_request, "bid_request", [](std::span<const std::byte> payload, std::string& out) {
        thread_local std::vector<std::uint64_t> aligned;
        const feeds::fb::LoggedRequest* r = feeds::read_traffic_record(payload, aligned);
        if (r == nullptr) return false;
        JsonWriter j;
        j.begin_object().field("received_us", static_cast<std::int64_t>(r->received_us())).field("shard", static_cast<std::uint64_t>(r->shard()));
        if (const feeds::fb::Decision* d = r->decision()) {
            j.field("request_id", text(d->request_id())).field("status", static_cast<std::uint64_t>(d->status()));
            if (d->status() == 204) j.field("no_bid_reason", text(d->no_bid_reason()));
            j.key("bids").begin_array();
            if (d->bids() != nullptr)
                for (const feeds::fb::DecisionBid* b : *d->bids())
                    j.begin_object()
                        .field("imp_id", text(b->imp_id()))
                        .field("bid_id", text(b->bid_id()))
                        .field("line_item", text(b->line_item_id()))
                        .field("creative", text(b->creative_id()))
                        .field("campaign", text(b->campaign_id()))
                        .field("price_micros", static_cast<std::int64_t>(b->price_micros()))
                        .end_object();
            j.end_array();
        }
        const std::string_view body = r->body() == nullptr ? std::string_view{}
            : std::string_view(reinterpret_cast<const char*>(r->body()->data()), r->body()->size());
        simdjson::dom::parser parser;
        simdjson::dom::element request;
        if (!parser.parse(body.data(), body.size()).get(request))
            j.key("request").raw(simdjson::minify(request));
        else
            j.field("body", body);
        j.end_object();
        out += j.str();
        return true;
    });
}
}  // namespace

int log_command(const Args& argv) {
    register_feed_event_decoder();
    register_bid_request_decoder();
    const CliArgs args(argv, {}, {"help", "repair"});
    const auto& positional = args.positional();
    if (args.has("help")) {
        std::fputs(kLogHelp, stdout);
        return 0;
    }
    if (positional.empty() || positional[0] != "cat" || positional.size() < 2) {
        std::fputs(kLogHelp, stderr);
        return 2;
    }
    const feeds::TailMode mode = args.has("repair") ? feeds::TailMode::repair : feeds::TailMode::read_only;
    RecordPrinter printer;
    int status = 0;
    for (std::size_t i = 1; i < positional.size(); ++i) {
        if (!std::filesystem::exists(positional[i])) {
            std::fprintf(stderr, "bidline log: %s: no such file or directory\n", positional[i].c_str());
            status = 1;
            continue;
        }
        if (cat_path(positional[i], mode, printer) != 0) status = 1;
    }
    std::fflush(stdout);
    return status;
}

}  // namespace bidline

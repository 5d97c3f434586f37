#include "support/fixtures.h"

#include <simdjson.h>

#include <zlib.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <stdexcept>

#ifndef BIDLINE_SHARED_DATA
#error "BIDLINE_SHARED_DATA must name the shared fixture folder (tests/CMakeLists.txt defines it)"
#endif

namespace bidline::test {
namespace {

std::vector<std::filesystem::path> json_files_in(const std::filesystem::path& dir) {
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        const auto& path = entry.path();
        if (entry.is_regular_file() && path.extension() == ".json" && path.stem() != "MANIFEST") files.push_back(path);
    }
    // Sorted, so runs and failure reports are comparable from one run to the next.
    std::sort(files.begin(), files.end());
    if (files.empty()) throw std::runtime_error("no *.json fixtures in " + dir.string());
    return files;
}

}  // namespace

std::filesystem::path shared_data_dir() { return BIDLINE_SHARED_DATA; }

std::vector<std::filesystem::path> openrtb_request_files() {
    return json_files_in(shared_data_dir() / "openrtb" / "requests");
}

std::vector<std::filesystem::path> prebid_request_files() {
    return json_files_in(shared_data_dir() / "prebid-requests");
}

std::filesystem::path simple_banner_request_file() {
    return shared_data_dir() / "openrtb" / "requests" / "ortb26_6_2_1_request_example_1_simple_banner.json";
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path.string());
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string gzip_compress(std::string_view bytes) {
    z_stream z{};
    // windowBits 15 + 16 asks zlib for a gzip header and trailer, not zlib's own.
    if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
        throw std::runtime_error("deflateInit2 failed");
    std::string out(deflateBound(&z, static_cast<uLong>(bytes.size())) + 32, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
    z.avail_in = static_cast<uInt>(bytes.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    const int rc = deflate(&z, Z_FINISH);
    const auto produced = z.total_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END) throw std::runtime_error("deflate did not finish");
    out.resize(produced);
    return out;
}

std::string win_notice_path(const std::string& bid_response, std::string_view price) {
    simdjson::dom::parser p;
    std::string nurl(std::string_view(p.parse(bid_response)["seatbid"].at(0)["bid"].at(0)["nurl"].get_string()));
    nurl = nurl.substr(nurl.find("/v1/notice/"));
    const std::string macro = "${AUCTION_PRICE}";
    nurl.replace(nurl.find(macro), macro.size(), price);
    return nurl;
}

}  // namespace bidline::test

// Test inputs from /work/shared/data (see its README.md): the OpenRTB spec's
// example requests and Prebid Server's adapter fixtures, plus the small
// helpers every test that feeds them to the engine needs.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace bidline::test {

[[nodiscard]] std::filesystem::path shared_data_dir();
// The OpenRTB 2.x spec and validator examples, sorted by name.
[[nodiscard]] std::vector<std::filesystem::path> openrtb_request_files();
// Prebid Server adapter requests, sorted by name (MANIFEST excluded).
[[nodiscard]] std::vector<std::filesystem::path> prebid_request_files();
// The OpenRTB 2.6 §6.2.1 simple banner request: the demo config bids on it.
[[nodiscard]] std::filesystem::path simple_banner_request_file();

// The win notice of a 200 bid response's first bid: its `nurl` from
// "/v1/notice/" on, with ${AUCTION_PRICE} replaced by `price` (CPM).
[[nodiscard]] std::string win_notice_path(const std::string& bid_response, std::string_view price = "1.0");

// Throws std::runtime_error when the file cannot be read.
[[nodiscard]] std::string read_file(const std::filesystem::path& path);
// A complete gzip member (RFC 1952), as a client sends with Content-Encoding: gzip.
[[nodiscard]] std::string gzip_compress(std::string_view bytes);

}  // namespace bidline::test

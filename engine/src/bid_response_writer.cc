// The BidResponse layout: one seatbid for our seat, one bid per imp won
// internally, each with win (nurl), billing (burl) and loss (lurl) notice
// URLs that point back at this engine and carry the exchange's macros.
#include "bidline/engine/bid_response_writer.h"

#include "openrtb_json_out.h"

namespace bidline {

using openrtb::BoundedJsonOut;

namespace {

// OpenRTB 2.6 list 5.2 (creative markup type): 1 banner, 2 video, 3 audio, 4 native.
std::uint64_t openrtb_mtype(MediaType m) {
    switch (m) {
        case MediaType::banner:
            return 1;
        case MediaType::video:
            return 2;
        case MediaType::audio:
            return 3;
        case MediaType::native:
            return 4;
    }
    return 1;
}

// `,"name":` — every member after the first in an object.
void key(BoundedJsonOut& out, std::string_view name) {
    out.raw(",\"");
    out.raw(name);
    out.raw("\":");
}

void string_array(BoundedJsonOut& out, std::span<const std::string> items) {
    out.raw('[');
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out.raw(',');
        out.string(items[i]);
    }
    out.raw(']');
}

void query_param(BoundedJsonOut& out, std::string_view separator_and_name, std::string_view value) {
    out.raw(separator_and_name);
    out.percent_encoded(value);
}

// The base URL is ours (configuration), so it is only JSON-escaped; the ids
// come from catalogs and requests, so they are percent-encoded as well.
// The macros are written literally for the exchange to substitute.
void win_url(BoundedJsonOut& out, std::string_view base, const BidOut& bid) {
    out.raw('"');
    out.escaped(base);
    query_param(out, "/v1/notice/win?bid=", bid.bid_id);
    query_param(out, "&imp=", bid.imp_id);
    query_param(out, "&li=", bid.line_item_id);
    query_param(out, "&cr=", bid.creative_id);
    out.raw("&price=${AUCTION_PRICE}\"");
}

void billing_url(BoundedJsonOut& out, std::string_view base, const BidOut& bid) {
    out.raw('"');
    out.escaped(base);
    query_param(out, "/v1/notice/bill?bid=", bid.bid_id);
    query_param(out, "&li=", bid.line_item_id);
    out.raw("&price=${AUCTION_PRICE}\"");
}

void loss_url(BoundedJsonOut& out, std::string_view base, const BidOut& bid) {
    out.raw('"');
    out.escaped(base);
    query_param(out, "/v1/notice/loss?bid=", bid.bid_id);
    query_param(out, "&li=", bid.line_item_id);
    out.raw("&reason=${AUCTION_LOSS}\"");
}

void write_bid(BoundedJsonOut& out, const BidResponseHeader& header, const BidOut& bid) {
    out.raw("{\"id\":");
    out.string(bid.bid_id);
    key(out, "impid");
    out.string(bid.imp_id);
    key(out, "price");
    out.price(bid.price_cpm);
    key(out, "adid");
    out.string(bid.creative_id);
    key(out, "crid");
    out.string(bid.creative_id);
    key(out, "cid");
    out.string(bid.campaign_id);
    if (!bid.adomain.empty()) {
        key(out, "adomain");
        string_array(out, bid.adomain);
    }
    if (!bid.cat.empty()) {
        key(out, "cat");
        string_array(out, bid.cat);
    }
    if (bid.w != 0 || bid.h != 0) {
        key(out, "w");
        out.uint(bid.w);
        key(out, "h");
        out.uint(bid.h);
    }
    key(out, "mtype");
    out.uint(openrtb_mtype(bid.mtype));
    // Without markup the exchange fetches the ad from the win notice (nurl).
    if (!bid.adm.empty()) {
        key(out, "adm");
        out.string(bid.adm);
    }
    key(out, "nurl");
    win_url(out, header.notice_base_url, bid);
    key(out, "burl");
    billing_url(out, header.notice_base_url, bid);
    key(out, "lurl");
    loss_url(out, header.notice_base_url, bid);
    if (!bid.deal_id.empty()) {
        key(out, "dealid");
        out.string(bid.deal_id);
    }
    out.raw('}');
}

}  // namespace

std::size_t write_bid_response(const BidResponseHeader& header, std::span<const BidOut> bids, char* buffer,
                               std::size_t cap) {
    BoundedJsonOut out(buffer, cap);
    out.raw("{\"id\":");
    out.string(header.request_id);
    if (!header.response_id.empty()) {
        key(out, "bidid");
        out.string(header.response_id);
    }
    key(out, "cur");
    out.string(header.currency);
    // An empty seatbid array is OpenRTB's explicit no-bid (2.6 §7.1).
    key(out, "seatbid");
    out.raw('[');
    if (!bids.empty()) {
        out.raw("{\"seat\":");
        out.string(header.seat);
        key(out, "bid");
        out.raw('[');
        for (std::size_t i = 0; i < bids.size(); ++i) {
            if (i > 0) out.raw(',');
            write_bid(out, header, bids[i]);
        }
        out.raw("]}");
    }
    out.raw("]}");
    return out.failed() ? 0 : out.size();
}

}  // namespace bidline

// Format checks a creative must pass before it may serve, run by the
// configuration reader, so a file and the admin API refuse the same ads:
//
// - MIME type one that the format's players take (banner: HTML, JavaScript
//   or an image; video: MP4/WebM/Ogg/3GPP, HLS, DASH or VPAID JavaScript;
//   audio: MP3/AAC/MP4/Ogg/WAV/FLAC; native: JSON).
// - Markup size within the format's limit: 150 KiB for banners (the IAB
//   LEAN initial-load budget), 64 KiB for native, 1 MiB for VAST.
// - Video and audio markup a well-formed VAST 2.0-4.3 document: a <VAST
//   version> root with at least one <Ad>, each either an <InLine> with
//   <AdSystem>, <AdTitle>, <Impression> and a <Creative> whose <Linear> has
//   a <Duration> and a non-empty <MediaFile>, or a <Wrapper> with
//   <AdSystem> and <VASTAdTagURI>.
// - Native markup an OpenRTB Native response (1.0-1.2, with or without the
//   "native" wrapper): a JSON object with an "assets" list and a "link"
//   object.
//
// - Templates and native assets compile (creative_markup.h), and the markup
//   rendered with each slot's longest variant stays within the size limit.
//
// Macros such as ${AUCTION_PRICE} are plain text to all of these checks.
// Pure; any thread.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "bidline/config/campaign_model.h"

namespace bidline {

struct CreativeProblem {
    std::string field;  // "mime" or "markup"
    std::string reason;
};

std::optional<CreativeProblem> creative_problem(const Creative& creative);

// The largest `adm` a creative of this format may have, in bytes.
std::size_t markup_size_limit(MediaType format);

}  // namespace bidline

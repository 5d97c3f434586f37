// What a shard tells the control thread: bids it placed (with the amount
// charged against its lease) and the notices and events it received. Fixed
// size and trivially copyable, so it travels through an SpscRing.
#pragma once

#include <array>
#include <cstdint>

#include "bidline/config/creative_markup.h"
#include "bidline/models/feature_builder.h"

namespace bidline {

// `anchor`: a bid or impression reported by a connector (/v1/events). It
// moves no money; later clicks and conversions join to it by bid id.
// `experiment_user`: the bid path met a user in a campaign's holdout
// experiment (eligible, held out or not); line_item = the eligible line
// item, user = the user's key. Counts the experiment's users.
enum class ShardEventKind : std::uint8_t { bid, win, billing, loss, click, conversion, anchor, experiment_user };

// line_item of a click or conversion that names no line item we know: it
// can still join to its bid by join_key (and is an orphan if it does not).
inline constexpr std::uint32_t kNoLineItem = ~std::uint32_t{0};

struct ShardEvent {
    ShardEventKind kind = ShardEventKind::bid;
    // Bids only: the pCTR bucket (model_counters.h score_bucket; 0 = not
    // scored), | kScoredByCandidate when an A/B candidate version scored it.
    // Second, to sit in what would be padding; initialisers name it.
    std::uint8_t score = 0;
    std::uint16_t shard = 0;
    std::uint32_t line_item = 0;  // dense index in the catalog of the bid
    std::uint64_t bid_key = 0;    // shard << 48 | sequence: the bid id
    std::int64_t micros = 0;      // bid: charge; win/billing: price paid; loss: min-to-win (0 = not told); conversion: value
    std::int64_t t_us = 0;        // event time, µs since epoch
    // The impression the event belongs to, for attribution: the bid key of
    // our 16-hex bid ids, else feeds::join_key of the connector's ids; 0 =
    // none. The bid path leaves it 0 (its bid_key is the join key).
    std::uint64_t join_key = 0;
    // Bids only, for first-price shading (pacing/shading_model.h): the
    // context bucket the bid was placed in, whether its auction was first
    // price (only those teach the shading model), and bid ÷ unshaded value
    // in thousandths (0 = not shaded: second price, shading off or no fit yet).
    std::uint8_t shading_context = 0;
    bool first_price = false;
    std::uint16_t shade_permille = 0;
    // Bids only: site_key() of the request's domain or bundle (0 = none),
    // for the line item × site history of the model features.
    std::uint32_t site = 0;
    // Bids only: the index of the creative served among the line item's
    // creatives (0xff: unknown), for creative selection's counts.
    std::uint8_t creative = 0xff;
    // Bids only: the variant served per slot of a template creative
    // (kNoVariant: none), so that its wins and clicks reach the slot bandits.
    // Sits in what would be padding before `user`.
    VariantChoice variants = kNoVariants;
    // experiments::id_key of the user (experiment_user; conversions that
    // carry a user id); 0 = no user.
    std::uint64_t user = 0;
};
inline constexpr std::uint8_t kScoredByCandidate = 0x80;
static_assert(sizeof(ShardEvent) <= 64, "ShardEvent travels by value through the rings: keep it small");

// What a shard sends beside a scored bid for the online learners
// (online_learning.h): the feature row the models scored, so that the
// bid's outcome can later train on exactly what was predicted.
struct BidFeatures {
    std::uint64_t bid_key = 0;
    std::array<float, models::kFeatureCount> row{};
};

// Bid ids travel as 16 hex digits of the bid key.
inline std::uint64_t make_bid_key(std::uint16_t shard, std::uint64_t seq) { return (std::uint64_t{shard} << 48) | (seq & ((std::uint64_t{1} << 48) - 1)); }
inline std::uint16_t bid_key_shard(std::uint64_t key) { return static_cast<std::uint16_t>(key >> 48); }

}  // namespace bidline

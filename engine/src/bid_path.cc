#include "bidline/engine/bid_path.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "bidline/pacing/bid_value.h"
#include "bidline/pacing/shading_model.h"
#include "bidline/engine/creative_selection.h"
#include "bidline/engine/feature_context_from_request.h"
#include "bidline/engine/site_stats.h"
#include "bidline/models/experiments/assignment.h"

namespace bidline {
namespace {

bool listed(const SmallList<std::string_view, 32>& list, const std::vector<std::string>& values) {
    for (const auto& v : values)
        for (std::string_view b : list)
            if (b == v) return true;
    return false;
}

// IAB categories block by prefix too: blocking "IAB3" blocks "IAB3-1".
bool category_blocked(const SmallList<std::string_view, 32>& bcat, const std::vector<std::string>& cats) {
    for (const auto& c : cats)
        for (std::string_view b : bcat)
            if (c == b || (c.size() > b.size() && c.starts_with(b) && c[b.size()] == '-')) return true;
    return false;
}

// First-price bids of a context without a fitted market: this share is
// bid at a random factor in [low, 1) of the value, so that both wins and
// losses arrive to fit it.
constexpr double kShadingExploreShare = 0.1, kShadingExploreLow = 0.4;

bool usd(std::string_view cur) { return cur.empty() || cur == "USD"; }

void hex16(std::uint64_t v, std::array<char, 20>& out) {
    static constexpr char digits[] = "0123456789abcdef";
    for (int i = 15; i >= 0; --i, v >>= 4) out[i] = digits[v & 15];
    out[16] = '\0';
}

}  // namespace

BidPath::BidPath(EngineState& state, ShardResources& shard)
    : state_(state), shard_(shard), parser_(state.settings.limits.max_body_bytes), scorer_(&shard.models),
      response_(new char[kResponseCapacity]), native_reader_(state.settings.limits.max_body_bytes),
      render_(new char[kRenderCapacity]) {
    throttle_rng_ = 0x9e3779b97f4a7c15ULL ^ (std::uint64_t{shard.id} + 1) * 0xbf58476d1ce4e5b9ULL;
    creative_rng_ = models::Xorshift64Star(throttle_rng_ ^ 0xd1b54a32d192ed03ULL);
    // Bid ids must never repeat across restarts: a win for a new bid would
    // be taken for a duplicate of an old one (the dedupe table comes back
    // from the log). The sequence starts at the start time in µs; a shard
    // places far fewer than one bid per µs, so it never catches up with
    // the next process's start. (48 bits of µs wrap after 8.9 years.)
    bid_seq_ = static_cast<std::uint64_t>(state.clock.now().time_since_epoch().count()) & ((std::uint64_t{1} << 48) - 1);
    refresh();
}

double BidPath::next_uniform() {
    throttle_rng_ ^= throttle_rng_ << 13;
    throttle_rng_ ^= throttle_rng_ >> 7;
    throttle_rng_ ^= throttle_rng_ << 17;
    return static_cast<double>(throttle_rng_ >> 11) * 0x1.0p-53;
}

void BidPath::refresh() {
    if (state_.catalog.refresh(catalog_, catalog_seen_)) scratch_.resize(catalog_->line_item_capacity());
    state_.control.refresh(control_, control_seen_);
    if (state_.models.refresh(models_, models_seen_) && models_) scorer_.use(models_);
}

BidAnswer BidPath::bad_request(const OpenRtbError& err) {
    bump(shard_.counters.bad_requests);
    // The message and detail are static text or field paths: escape only quotes and backslashes.
    char* out = response_.get();
    std::size_t n = 0;
    auto put = [&](std::string_view s) {
        for (char c : s) {
            if (n + 2 >= kResponseCapacity) return;
            if (c == '"' || c == '\\') out[n++] = '\\';
            out[n++] = static_cast<unsigned char>(c) < 0x20 ? ' ' : c;
        }
    };
    auto raw = [&](std::string_view s) { for (char c : s) if (n < kResponseCapacity) out[n++] = c; };
    raw("{\"error\":\"");
    put(to_string(err.code));
    raw("\",\"message\":\"");
    put(err.message);
    raw("\",\"field\":\"");
    put(std::string_view(err.detail));
    raw("\"}");
    return {400, {out, n}};
}

BidAnswer BidPath::no_bid(NoBidReason reason) {
    placed_count_ = 0;
    last_no_bid_ = reason;
    bump(shard_.counters.no_bid_responses);
    bump(shard_.counters.no_bid[static_cast<int>(reason)]);
    return {204, {}};
}

namespace {

// Whether creative `c` of the line item may serve this imp, and at what size.
bool fits(const Creative& c, const CreativeMarkup* markup, const CompiledLineItem& li, const BidRequestView& request,
          const ImpView& imp, std::uint16_t& w, std::uint16_t& h, ImpNativeAssets* native) {
    const auto& t = li.model.targeting;
    if (!t.media.empty() && std::find(t.media.begin(), t.media.end(), c.format) == t.media.end()) return false;
    if (!request.bcat.empty() && category_blocked(request.bcat, c.categories)) return false;
    if (!request.badv.empty() && listed(request.badv, c.adomain)) return false;
    switch (c.format) {
        case MediaType::banner: {
            if (!imp.banner.present) return false;
            if (c.size.w == 0 && c.size.h == 0) {  // a responsive creative: fits any banner slot
                w = imp.banner.w ? imp.banner.w : (imp.banner.formats.empty() ? 0 : imp.banner.formats.items[0].w);
                h = imp.banner.h ? imp.banner.h : (imp.banner.formats.empty() ? 0 : imp.banner.formats.items[0].h);
                return true;
            }
            // A fixed-size banner of an untargeted size never serves.
            if (!t.sizes.empty() && std::find(t.sizes.begin(), t.sizes.end(), c.size) == t.sizes.end()) return false;
            auto same = [&](std::uint16_t fw, std::uint16_t fh) { return fw == c.size.w && fh == c.size.h; };
            bool ok = same(imp.banner.w, imp.banner.h);
            for (const FormatView& f : imp.banner.formats) ok = ok || same(f.w, f.h);
            if (ok) { w = c.size.w; h = c.size.h; }
            return ok;
        }
        case MediaType::video:
            if (imp.video.present) { w = imp.video.w; h = imp.video.h; }
            return imp.video.present;
        case MediaType::native: {
            w = h = 0;
            if (!imp.native.present) return false;
            if (native == nullptr || markup == nullptr) return true;  // /v1/predict: assets are not checked
            NativeAnswer answer;
            return native->answer(markup->native_assets, answer);
        }
        case MediaType::audio:
            w = h = 0;
            return imp.audio.present;
    }
    return false;
}

}  // namespace

bool ImpNativeAssets::answer(std::span<const NativeOffer> offers, NativeAnswer& answer) noexcept {
    if (state_ == State::unread) {
        state_ = reader_ != nullptr && reader_->read(escaped_, asks_) ? State::readable : State::unreadable;
        if (state_ == State::unreadable && unreadable_count_ != nullptr) bump(*unreadable_count_);
    }
    const bool ok = state_ == State::readable && answer_native(offers, asks_, answer);
    rejected_ = rejected_ || !ok;
    return ok;
}

const Creative* pick_creative(const CompiledLineItem& li, const BidRequestView& request, const ImpView& imp,
                              std::uint16_t& w, std::uint16_t& h, const models::CreativeBanditSnapshot* bandit,
                              models::Xorshift64Star* rng, ImpNativeAssets* native) {
    const auto& creatives = li.model.creatives;
    auto markup = [&](std::size_t i) { return i < li.markups.size() ? &li.markups[i] : nullptr; };
    if (bandit == nullptr || rng == nullptr) {
        for (std::size_t i = 0; i < creatives.size(); ++i)
            if (fits(creatives[i], markup(i), li, request, imp, w, h, native)) return &creatives[i];
        return nullptr;
    }
    // Thompson sampling among the creatives that fit (the first 16 of them).
    std::array<std::uint32_t, 16> eligible;
    std::array<std::pair<std::uint16_t, std::uint16_t>, 16> sizes;
    std::size_t n = 0;
    for (std::uint32_t i = 0; i < creatives.size() && n < eligible.size(); ++i) {
        std::uint16_t cw = 0, ch = 0;
        if (!fits(creatives[i], markup(i), li, request, imp, cw, ch, native)) continue;
        eligible[n] = i;
        sizes[n++] = {cw, ch};
    }
    if (n == 0) return nullptr;
    std::size_t pick = 0;
    if (n > 1)
        if (const auto chosen = bandit->choose(std::span<const std::uint32_t>(eligible.data(), n), *rng))
            pick = static_cast<std::size_t>(std::find(eligible.begin(), eligible.begin() + n, *chosen) - eligible.begin());
    w = sizes[pick].first;
    h = sizes[pick].second;
    return &creatives[eligible[pick]];
}

VariantChoice BidPath::choose_variants(const CompiledLineItem& li, const Creative& creative, const CreativeChoices* choices) {
    static constexpr auto kAll = [] {
        std::array<std::uint32_t, kMaxSlotVariants> all{};
        for (std::uint32_t i = 0; i < all.size(); ++i) all[i] = i;
        return all;
    }();
    VariantChoice chosen = kNoVariants;
    const auto index = static_cast<std::uint32_t>(&creative - li.model.creatives.data());
    for (std::size_t k = 0; k < creative.slots.size() && k < kMaxTemplateSlots; ++k) {
        const std::size_t n = std::min(creative.slots[k].variants.size(), kMaxSlotVariants);
        const models::CreativeBanditSnapshot* bandit = choices ? choices->variants_of(li.index.value, index, k) : nullptr;
        std::uint32_t v = 0;
        if (bandit != nullptr && n > 1) v = bandit->choose(std::span(kAll.data(), n), creative_rng_).value_or(0);
        else if (n > 1) v = static_cast<std::uint32_t>(creative_rng_.next() % n);
        chosen[k] = static_cast<std::uint8_t>(v);
    }
    return chosen;
}

bool BidPath::pick_best(std::size_t imp_index, std::span<const Candidate> chosen, const Scores* given,
                        Candidate& best, std::array<float, models::kFeatureCount>& best_row, NoBidReason& why) {
    const Catalog& cat = *catalog_;
    const ImpView& imp = request_.imps.items[imp_index];
    if (control_->live.word_count() != scratch_.eligible.word_count()) {
        why = NoBidReason::paused;  // a catalog swap is in progress: skip this tick's worth
        return false;
    }
    cat.targeting().eligible(request_, imp, control_->live, scratch_);
    if (!scratch_.eligible.any()) {
        why = NoBidReason::no_eligible;
        return false;
    }
    const double floor_cpm = usd(imp.bidfloorcur) ? imp.bidfloor : -1.0;
    if (floor_cpm < 0) {
        why = NoBidReason::currency;
        return false;
    }
    bool found = false;
    why = NoBidReason::blocked;
    const std::string_view site = request_.site.domain.empty() ? request_.app.bundle : request_.site.domain;

    // Candidates gather in batches of CandidateScorer::kBatch: each batch is
    // scored together (one model call per role), then priced.
    std::array<Candidate, CandidateScorer::kBatch> pending;
    std::size_t n_pending = 0;
    bool needs_model = false, imp_begun = false;
    const bool learn_online = state_.online_learning.enabled;
    const CreativeChoices* creatives = control_->creatives.get();
    ImpNativeAssets* native = nullptr;
    if (imp.native.present) {
        imp_native_[imp_index] = ImpNativeAssets(&native_reader_, imp.native.request, &shard_.counters.bad_native_requests);
        native = &imp_native_[imp_index];
    }
    auto settle = [&] {
        if (n_pending == 0) return;
        const bool score = given == nullptr && needs_model;
        if (score) {
            if (!imp_begun) {
                scorer_.begin_imp(request_, imp_index, now_us_, recency_);
                imp_begun = true;
            }
            std::array<ScoringCandidate, CandidateScorer::kBatch> in;
            for (std::size_t k = 0; k < n_pending; ++k)
                in[k] = ScoringCandidate{pending[k].line_item, pending[k].creative, pending[k].w, pending[k].h};
            scorer_.score(std::span(in.data(), n_pending), cat, *control_, std::span(scored_.data(), n_pending));
        }
        for (std::size_t k = 0; k < n_pending; ++k) {
            Candidate& c = pending[k];
            const Scores scores = given ? *given : score ? scored_[k].scores : Scores{};
            if (score) c.score = static_cast<std::uint8_t>(scored_[k].bucket | (scored_[k].by_candidate ? kScoredByCandidate : 0));
            c.pctr = scores.present ? scores.pctr : 0.0;
            if (price(c, scores, floor_cpm, site, chosen, why) && (!found || c.price > best.price)) {
                best = c;
                found = true;
                if (score && learn_online) {
                    const auto r = scorer_.row(k);
                    std::copy(r.begin(), r.end(), best_row.begin());
                    best.has_row = true;
                }
            }
        }
        n_pending = 0;
        needs_model = false;
    };
    scratch_.eligible.for_each([&](std::uint32_t i) {
        const CompiledLineItem& li = cat.line_item(LineItemIndex{i});
        if (li.campaign->holdout_share > 0 && held_out(*li.campaign, i)) {
            if (why == NoBidReason::blocked) why = NoBidReason::holdout;
            return;
        }
        // Throttle first: a request the line item sits out costs nothing more.
        const float pass = control_->pass_probability_of(i);
        if (pass < 1.0f && next_uniform() >= pass) {
            if (why == NoBidReason::blocked) why = NoBidReason::throttled;
            return;
        }
        Candidate c;
        c.line_item = i;
        c.creative = pick_creative(li, request_, imp, c.w, c.h, creatives ? creatives->of(i) : nullptr, &creative_rng_, native);
        if (c.creative == nullptr) return;
        if (!c.creative->slots.empty()) c.variants = choose_variants(li, *c.creative, creatives);
        // Deal line items bid at the deal's floor; others at the imp's.
        c.floor = floor_cpm;
        if (!li.model.targeting.deals.empty()) {
            for (const DealView& d : imp.deals)
                for (const auto& want : li.model.targeting.deals)
                    if (d.id == want) { c.deal_id = d.id; c.floor = std::max(c.floor, d.bidfloor); }
        }
        needs_model = needs_model || li.model.bid.strategy != BidStrategy::manual_cpm;
        pending[n_pending++] = c;
        if (n_pending == pending.size()) settle();
    });
    settle();
    if (!found && why == NoBidReason::blocked && native != nullptr && native->rejected()) why = NoBidReason::native_assets;
    return found;
}

bool BidPath::held_out(const CompiledCampaign& campaign, std::uint32_t line_item) {
    // Without a user id there is nobody to hold out consistently, nor a
    // conversion to measure: such requests are never held out.
    if (user_.empty()) return false;
    if (user_key_ == 0) user_key_ = experiments::id_key(user_);
    const bool out = experiments::assignment_hash(campaign.experiment_key, user_key_) < campaign.holdout_share;
    const std::uint32_t c = campaign.index.value;
    const auto reported = experiments_reported_.begin() + static_cast<std::ptrdiff_t>(experiments_reported_count_);
    if (std::find(experiments_reported_.begin(), reported, c) != reported) return out;
    if (experiments_reported_count_ < experiments_reported_.size()) experiments_reported_[experiments_reported_count_++] = c;
    // A user seen again soon is not reported again: the control thread
    // counts users, not requests, and the ring has better things to carry.
    const std::uint64_t tag = ((user_key_ ^ campaign.experiment_key) + c) | 1;
    std::uint64_t& slot = experiment_user_cache_[(tag * 0x9e3779b97f4a7c15ULL) >> 54];
    if (slot == tag) return out;
    ShardEvent e{ShardEventKind::experiment_user, 0, shard_.id, line_item, 0, 0, now_us_};
    e.user = user_key_;
    if (shard_.events.try_push(e)) slot = tag;
    else bump(shard_.counters.events_dropped);
    return out;
}

bool BidPath::price(Candidate& c, const Scores& scores, double floor_cpm, std::string_view site,
                    std::span<const Candidate> chosen, NoBidReason& why) {
    const std::uint32_t i = c.line_item;
    const CompiledLineItem& li = catalog_->line_item(LineItemIndex{i});
    const double floor = c.floor;
    std::optional<Micros> value = bid_value_cpm(li.model.bid, scores);
    if (!value) return false;
    // Pacing and daypart scale the value; first price shades it; then clip to the max bid.
    Micros price{static_cast<std::int64_t>(static_cast<double>(value->value()) * control_->multiplier_of(i))};
    // First price: we pay what we bid, so bid the surplus-maximising
    // shade of the value under this context's learned market.
    c.value = price;
    if (request_.at == AuctionType::first_price && li.model.bid.shading) {
        c.shading_context = shading_context(floor_cpm, c.creative->format, c.w, c.h, site);
        const MarketPriceFit fit = control_->shading_fit(i, c.shading_context);
        const double v = price.as_cpm();
        double b = shaded_bid_cpm(fit, v, floor);
        // Until the context has a fit, explore: a bid that always wins
        // (or always loses) at full value teaches nothing about the price.
        if (!fit.ready && next_uniform() < kShadingExploreShare)
            b = std::max(floor, v * (kShadingExploreLow + (1.0 - kShadingExploreLow) * next_uniform()));
        if (b < v) {
            price = Micros::cpm(b);
            c.shade_permille = static_cast<std::uint16_t>(std::clamp(std::lround(1000.0 * b / v), 1L, 1000L));
        }
    }
    if (li.model.bid.max_cpm.value() > 0) {
        price = std::min(price, li.model.bid.max_cpm);
        c.value = std::min(c.value, li.model.bid.max_cpm);
    }
    if (price.as_cpm() < floor || price.value() <= 0) {
        if (why == NoBidReason::blocked) why = NoBidReason::below_floor;
        return false;
    }
    // Lease gate: one impression costs CPM/1000; the shard may only
    // commit what the control thread granted it.
    LineItemShardState& lease = shard_.line_items[i];
    if (control_->shared_lease_lapsed(i, now_us_)) {
        why = NoBidReason::budget;
        return false;
    }
    std::int64_t charge = price.value() / 1000;
    for (const Candidate& earlier : chosen)
        if (earlier.line_item == i) charge += earlier.price.value() / 1000;
    if (lease.charged_micros.load(std::memory_order_relaxed) + charge >
        lease.granted_micros.load(std::memory_order_relaxed)) {
        why = NoBidReason::budget;
        return false;
    }
    c.price = price;
    return true;
}

BidAnswer BidPath::handle(std::string_view body, Timestamp received, const Scores* given, ResponseMode mode) {
    refresh();
    placed_count_ = 0;
    render_used_ = 0;
    bump(shard_.counters.requests);
    if (OpenRtbError err = parser_.parse(body, request_)) return bad_request(err);

    // Per request: the models' A/B arms and the user's recency.
    const std::string_view user = !request_.user.id.empty() ? request_.user.id : request_.device.ifa;
    user_ = user;
    user_key_ = 0;
    experiments_reported_count_ = 0;
    now_us_ = received.time_since_epoch().count();
    if (given == nullptr) {
        scorer_.assign(user.empty() ? request_.id : user);
        recency_ = recency_table_.visit(user, now_us_);
    }
    request_site_ = site_key(site_of(request_));

    bool currency_ok = request_.cur.empty();
    for (std::string_view c : request_.cur) currency_ok = currency_ok || c == "USD";
    if (!currency_ok) return no_bid(NoBidReason::currency);

    // Choose first, commit after: a request past its tmax charges nothing.
    std::array<Candidate, 8> chosen{};
    std::array<const ImpView*, 8> chosen_imp{};
    std::size_t n = 0;
    NoBidReason why = NoBidReason::no_eligible;
    for (std::size_t k = 0; k < request_.imps.size(); ++k) {
        NoBidReason imp_why;
        if (pick_best(k, std::span<const Candidate>(chosen.data(), n), given, chosen[n], chosen_rows_[n], imp_why))
            chosen_imp[n++] = &request_.imps.items[k];
        else
            why = imp_why;
    }
    if (n == 0) return no_bid(why);
    if (request_.tmax_ms > 0 && state_.clock.now() - received > std::chrono::milliseconds(request_.tmax_ms))
        return no_bid(NoBidReason::tmax);

    for (std::size_t k = 0; k < n; ++k) {
        const Candidate& best = chosen[k];
        const CompiledLineItem& li = catalog_->line_item(LineItemIndex{best.line_item});
        LineItemShardState& lease = shard_.line_items[best.line_item];
        const std::int64_t charge = best.price.value() / 1000;
        lease.charged_micros.store(lease.charged_micros.load(std::memory_order_relaxed) + charge,
                                   std::memory_order_relaxed);
        bump(lease.bids);
        const std::uint64_t key = make_bid_key(shard_.id, ++bid_seq_);
        hex16(key, bid_ids_[k]);
        placed_[k] = PlacedBid{best.line_item, key, best.price, Micros(charge), best.value, best.pctr};
        ShardEvent bid{ShardEventKind::bid, 0, shard_.id, best.line_item, key, charge, received.time_since_epoch().count()};
        bid.shading_context = best.shading_context;
        bid.first_price = request_.at == AuctionType::first_price;
        bid.shade_permille = best.shade_permille;
        bid.score = best.score;
        bid.site = request_site_;
        const auto served = static_cast<std::size_t>(best.creative - li.model.creatives.data());
        bid.creative = served < kUnknownCreative ? static_cast<std::uint8_t>(served) : kUnknownCreative;
        bid.variants = best.variants;
        if (best.score != 0) bump(model_counters().slots[0][(best.score & kScoredByCandidate) ? 1 : 0].bids);
        // The row first: the control thread drains rows before events.
        if (best.has_row && !shard_.features.try_push(BidFeatures{key, chosen_rows_[k]}))
            bump(shard_.features_dropped);
        if (!shard_.events.try_push(bid)) bump(shard_.counters.events_dropped);
        BidOut& b = bids_[k];
        b = BidOut{};
        b.bid_id = std::string_view(bid_ids_[k].data(), 16);
        b.imp_id = chosen_imp[k]->id;
        b.price_cpm = best.price.as_cpm();
        b.line_item_id = li.model.id.value;
        b.creative_id = best.creative->id.value;
        b.campaign_id = li.model.campaign.value;
        b.adomain = best.creative->adomain;
        b.cat = best.creative->categories;
        b.w = best.w;
        b.h = best.h;
        b.mtype = best.creative->format;
        if (!adm_of(best, li, static_cast<std::size_t>(chosen_imp[k] - request_.imps.items.data()), b.adm))
            return no_bid(NoBidReason::response_too_large);
        b.deal_id = best.deal_id;
    }

    placed_count_ = n;
    if (mode == ResponseMode::decide_only) {
        bump(shard_.counters.bid_responses);
        bump(shard_.counters.bids, n);
        return {200, {}};
    }
    hex16(make_bid_key(shard_.id, bid_seq_), response_id_);
    BidResponseHeader header;
    header.request_id = request_.id;
    header.response_id = std::string_view(response_id_.data(), 16);
    header.notice_base_url = state_.notice_base_url;
    const std::size_t len = write_bid_response(header, std::span<const BidOut>(bids_.data(), n), response_.get(),
                                               kResponseCapacity);
    if (len == 0) return no_bid(NoBidReason::response_too_large);
    bump(shard_.counters.bid_responses);
    bump(shard_.counters.bids, n);
    return {200, {response_.get(), len}};
}

bool BidPath::adm_of(const Candidate& best, const CompiledLineItem& li, std::size_t imp, std::string_view& adm) {
    const auto index = static_cast<std::size_t>(best.creative - li.model.creatives.data());
    if (index >= li.markups.size() || !li.markups[index].rendered()) {
        adm = best.creative->markup;
        return true;
    }
    const CreativeMarkup& markup = li.markups[index];
    NativeAnswer answer;
    const NativeAnswer* native = nullptr;
    // The pick already answered these assets: the same answer again, to write it.
    if (best.creative->format == MediaType::native && imp < imp_native_.size() &&
        imp_native_[imp].answer(markup.native_assets, answer))
        native = &answer;
    char* out = render_.get() + render_used_;
    const std::size_t n = render_markup(*best.creative, markup, best.variants, native,
                                        std::span<char>(out, kRenderCapacity - render_used_));
    if (n == 0) return false;
    render_used_ += n;
    adm = std::string_view(out, n);
    return true;
}

std::string_view to_string(NoBidReason r) {
    switch (r) {
        case NoBidReason::no_eligible: return "no_eligible";
        case NoBidReason::below_floor: return "below_floor";
        case NoBidReason::budget: return "budget";
        case NoBidReason::currency: return "currency";
        case NoBidReason::blocked: return "blocked";
        case NoBidReason::paused: return "paused";
        case NoBidReason::throttled: return "throttled";
        case NoBidReason::tmax: return "tmax";
        case NoBidReason::response_too_large: return "response_too_large";
        case NoBidReason::holdout: return "holdout";
        case NoBidReason::native_assets: return "native_assets";
        case NoBidReason::count_: break;
    }
    return "unknown";
}

}  // namespace bidline

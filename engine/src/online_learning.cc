#include "bidline/engine/online_learning.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <system_error>

#include "bidline/engine/durable_file.h"
#include "bidline/models/model_load_error.h"

namespace bidline {
namespace {

// Rows of recent bids (~128 B each): at 10k bids/s a bid keeps its row for
// ~6 s, far longer than a win notice takes to arrive.
constexpr std::size_t kRecentBids = std::size_t{1} << 16;
// Impressions (clicks) waiting for their label, at most.
constexpr std::size_t kMaxWaitingImpressions = std::size_t{1} << 17;
constexpr std::size_t kMaxWaitingClicks = std::size_t{1} << 15;
constexpr std::int64_t kPublishEveryUs = 5'000'000;
// Saving writes the touched coordinates (a few MB) with an fsync: rarely,
// so the control tick it runs on stays short.
constexpr std::int64_t kSaveEveryUs = 300'000'000;

models::FtrlConfig ftrl_config(const OnlineLearningSettings& s) {
    return {.alpha = s.alpha, .beta = s.beta, .lambda1 = s.lambda1, .lambda2 = s.lambda2, .hash_bits = s.hash_bits};
}

std::uint64_t slot_hash(std::uint64_t k) { return k * 0x9E3779B97F4A7C15ull; }

}  // namespace

OnlineLearning::OnlineLearning(const OnlineLearningSettings& settings, std::filesystem::path state_dir)
    : settings_(settings), dir_(std::move(state_dir)), recent_(kRecentBids),
      click_(ftrl_config(settings), settings.click_window), conversion_(ftrl_config(settings), settings.conversion_window) {
    if (dir_.empty()) return;
    load(click_, "click.ftrl");
    load(conversion_, "conversion.ftrl");
    load_counts();
    rows_at_save_ = click_.ftrl.rows_seen() + conversion_.ftrl.rows_seen();
    if (rows_at_save_ > 0) publish();
}

void OnlineLearning::load(Learner& l, const char* name) {
    const std::filesystem::path file = dir_ / name;
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) return;
    try {
        models::FtrlLearner loaded = models::FtrlLearner::load(file);
        const models::FtrlConfig& c = loaded.config();
        if (c.hash_bits != settings_.hash_bits) {
            spdlog::warn("online learning: {} was trained with hash_bits {} (configured {}): starting afresh",
                         file.string(), c.hash_bits, settings_.hash_bits);
            return;
        }
        l.ftrl = std::move(loaded);
        spdlog::info("online learning: resumed {} ({} rows learned)", file.string(), l.ftrl.rows_seen());
    } catch (const models::ModelLoadError& e) {
        // Keep the damaged file for inspection; learn afresh.
        std::filesystem::rename(file, file.string() + ".corrupt", ec);
        spdlog::warn("online learning: {} (kept as {}.corrupt); starting afresh", e.what(), file.string());
    }
}

double OnlineModel::learned(const Learned& counts, float line_item_hash) {
    if (std::isnan(line_item_hash)) return 0.0;
    const auto key = static_cast<std::uint32_t>(line_item_hash);
    const auto it = std::lower_bound(counts.begin(), counts.end(), key, [](const auto& e, std::uint32_t k) { return e.first < k; });
    return it != counts.end() && it->first == key ? it->second : 0.0;
}

// One line per line item: "HASH IMPRESSIONS CLICKS". Counts of a learner
// whose state did not load are dropped with it.
void OnlineLearning::load_counts() {
    std::ifstream in(dir_ / "line_items.tsv");
    if (!in) return;
    std::string line;
    std::size_t number = 0;
    std::unordered_map<std::uint32_t, float> impressions, clicks;
    while (std::getline(in, line)) {
        ++number;
        if (line.empty() || line[0] == '#') continue;
        std::istringstream fields(line);
        std::uint32_t key = 0;
        double imps = 0, cl = 0;
        if (!(fields >> key >> imps >> cl) || imps < 0 || cl < 0) {
            spdlog::warn("online learning: {}:{}: expected HASH IMPRESSIONS CLICKS; per line item counts start afresh",
                         (dir_ / "line_items.tsv").string(), number);
            return;
        }
        if (imps > 0) impressions[key] = static_cast<float>(imps);
        if (cl > 0) clicks[key] = static_cast<float>(cl);
    }
    if (click_.ftrl.rows_seen() > 0) click_.learned = std::move(impressions);
    if (conversion_.ftrl.rows_seen() > 0) conversion_.learned = std::move(clicks);
}

void OnlineLearning::save_counts() const {
    std::map<std::uint32_t, std::pair<float, float>> rows;
    for (const auto& [k, v] : click_.learned) rows[k].first = v;
    for (const auto& [k, v] : conversion_.learned) rows[k].second = v;
    std::string text = "# line_item_hash\timpressions learned\tclicks learned\n";
    char line[96];
    for (const auto& [k, v] : rows) {
        std::snprintf(line, sizeof line, "%u\t%.0f\t%.0f\n", k, static_cast<double>(v.first), static_cast<double>(v.second));
        text += line;
    }
    write_file_durably(dir_ / "line_items.tsv", text);
}

OnlineLearning::Recent& OnlineLearning::slot_of(std::uint64_t bid_key) {
    return recent_[slot_hash(bid_key) & (kRecentBids - 1)];
}

OnlineLearning::Recent* OnlineLearning::recent(std::uint64_t bid_key) {
    Recent& r = slot_of(bid_key);
    return r.bid_key == bid_key && bid_key != 0 ? &r : nullptr;
}

void OnlineLearning::note_features(const BidFeatures& f) {
    Recent& slot = slot_of(f.bid_key);
    const bool outcome_first = slot.bid_key == f.bid_key;  // its win or click overtook it
    if (!outcome_first) slot = Recent{.bid_key = f.bid_key};
    slot.row = f.row;
    slot.has_row = true;
    if (!outcome_first) return;
    if (slot.clicked) {
        note_click(f.bid_key, slot.clicked_us);
    } else if (slot.won) {
        expose(click_, f.bid_key, slot, slot.won_us);
        slot.bid_key = 0;
    }
}

void OnlineLearning::note_win(std::uint64_t bid_key, std::int64_t t_us) {
    Recent* r = recent(bid_key);
    if (r == nullptr) {  // the row has not arrived yet (or never will)
        Recent& slot = slot_of(bid_key);
        slot = Recent{.bid_key = bid_key, .won = true, .won_us = t_us};
        return;
    }
    if (!r->has_row) return;
    expose(click_, bid_key, *r, t_us);
    r->bid_key = 0;  // the row now waits in click_
}

void OnlineLearning::note_click(std::uint64_t bid_key, std::int64_t t_us) {
    std::array<float, models::kFeatureCount> row;
    if (auto it = click_.waiting.find(bid_key); it != click_.waiting.end()) {
        it->second.positive = true;
        row = it->second.row;
    } else if (Recent* r = recent(bid_key); r != nullptr && r->has_row) {
        // Clicked before its win arrived: the click proves the impression.
        expose(click_, bid_key, *r, t_us);
        click_.waiting.at(bid_key).positive = true;
        row = r->row;
        r->bid_key = 0;
    } else {
        if (r == nullptr) {
            Recent& slot = slot_of(bid_key);
            slot = Recent{.bid_key = bid_key};
            r = &slot;
        }
        r->clicked = true;  // the row may still come
        r->clicked_us = t_us;
        return;
    }
    expose(conversion_, bid_key, Recent{.bid_key = bid_key, .has_row = true, .row = row}, t_us);
}

void OnlineLearning::note_conversion(std::uint64_t bid_key, std::int64_t) { resolve(conversion_, bid_key); }

void OnlineLearning::expose(Learner& l, std::uint64_t bid_key, const Recent& r, std::int64_t since_us) {
    const std::size_t cap = &l == &click_ ? kMaxWaitingImpressions : kMaxWaitingClicks;
    while (l.waiting.size() >= cap && !l.order.empty()) {
        // Full: the oldest row is labelled now, before its window closes.
        if (label_oldest(l)) ++l.labelled_early;
    }
    if (!l.waiting.try_emplace(bid_key, Waiting{since_us, false, r.row}).second) return;
    l.order.emplace_back(since_us, bid_key);
}

bool OnlineLearning::resolve(Learner& l, std::uint64_t bid_key) {
    auto it = l.waiting.find(bid_key);
    if (it == l.waiting.end()) return false;
    it->second.positive = true;
    return true;
}

void OnlineLearning::learn(Learner& l, const Waiting& w, double label) {
    models::FtrlFeatures f;
    models::encode_ftrl_features(std::span<const float, models::kFeatureCount>(w.row), f);
    const double p = std::clamp(l.ftrl.update(f.view(), label), 1e-7, 1.0 - 1e-7);
    ++l.stats.rows;
    if (label > 0.5) ++l.stats.positives;
    l.stats.log_loss_sum -= label > 0.5 ? std::log(p) : std::log1p(-p);
    const float line_item = w.row[static_cast<std::size_t>(models::Feature::line_item_hash)];
    if (!std::isnan(line_item)) l.learned[static_cast<std::uint32_t>(line_item)] += 1.0f;
}

bool OnlineLearning::label_oldest(Learner& l) {
    const auto [since, key] = l.order.front();
    l.order.pop_front();
    const auto it = l.waiting.find(key);
    if (it == l.waiting.end() || it->second.since_us != since) return false;  // already gone
    learn(l, it->second, it->second.positive ? 1.0 : 0.0);
    l.waiting.erase(it);
    return true;
}

void OnlineLearning::expire(Learner& l, std::int64_t now_us) {
    while (!l.order.empty() && now_us - l.order.front().first >= l.window_us) label_oldest(l);
}

void OnlineLearning::tick(std::int64_t now_us) {
    expire(click_, now_us);
    expire(conversion_, now_us);
    const std::uint64_t rows = click_.ftrl.rows_seen() + conversion_.ftrl.rows_seen();
    if (rows != rows_at_publish_ && rows > 0 && now_us - published_us_ >= kPublishEveryUs) {
        publish();
        published_us_ = now_us;
    }
    if (saved_us_ == 0) saved_us_ = now_us;
    if (rows != rows_at_save_ && now_us - saved_us_ >= kSaveEveryUs) {
        save();
        saved_us_ = now_us;
    }
}

void OnlineLearning::publish() {
    auto m = std::make_shared<OnlineModel>(click_.ftrl.snapshot(), conversion_.ftrl.snapshot());
    auto sorted = [](const std::unordered_map<std::uint32_t, float>& counts) {
        OnlineModel::Learned out(counts.begin(), counts.end());
        std::sort(out.begin(), out.end());
        return out;
    };
    m->impressions = sorted(click_.learned);
    m->clicks = sorted(conversion_.learned);
    m->click_blend = {.max_weight = settings_.max_weight, .half_weight_impressions = settings_.half_weight_impressions};
    m->conversion_blend = {.max_weight = settings_.max_weight, .half_weight_impressions = settings_.half_weight_clicks};
    m->min_impressions = settings_.min_impressions;
    m->min_clicks = settings_.min_clicks;
    published_ = std::move(m);
    click_.rows_published = click_.ftrl.rows_seen();
    conversion_.rows_published = conversion_.ftrl.rows_seen();
    rows_at_publish_ = click_.rows_published + conversion_.rows_published;
}

void OnlineLearning::save() {
    const std::uint64_t rows = click_.ftrl.rows_seen() + conversion_.ftrl.rows_seen();
    if (dir_.empty() || rows == rows_at_save_) return;
    try {
        std::filesystem::create_directories(dir_);
        click_.ftrl.save(dir_ / "click.ftrl");
        conversion_.ftrl.save(dir_ / "conversion.ftrl");
        save_counts();
        rows_at_save_ = rows;
    } catch (const std::exception& e) {
        spdlog::error("online learning: cannot save its state: {}", e.what());  // retried at the next interval
    }
}

void OnlineLearning::write_json(JsonWriter& j, std::uint64_t rows_scored) const {
    auto learner = [&](std::string_view name, const Learner& l, const models::FtrlSnapshot* weights) {
        j.key(name).begin_object()
            .field("rows_learned", l.stats.rows)
            .field("rows_total", l.ftrl.rows_seen())  // including those before a restart
            .field("rows_published", l.rows_published)
            .field("positives", l.stats.positives)
            .field("progressive_log_loss", l.stats.rows > 0 ? l.stats.log_loss_sum / static_cast<double>(l.stats.rows) : 0.0)
            .field("waiting", static_cast<std::uint64_t>(l.waiting.size()))
            .field("labelled_early", l.labelled_early)
            .field("window_s", l.window_us / 1'000'000)
            .field("nonzero_weights", static_cast<std::uint64_t>(weights ? weights->nonzero_weights() : 0))
            .end_object();
    };
    j.key("online_learning").begin_object().field("enabled", true).field("published", published_ != nullptr)
        .field("rows_scored", rows_scored);
    learner("click", click_, published_ ? &published_->click : nullptr);
    learner("conversion", conversion_, published_ ? &published_->conversion : nullptr);
    j.end_object();
}

}  // namespace bidline

// Turns the document of an XGBoost 1.x model (either encoding) into a
// GbdtEnsemble, checking everything the evaluators rely on: supported
// booster and objective, array lengths, child indices forming a tree,
// feature indices in range.
#include <cmath>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

#include "bidline/models/model_load_error.h"
#include "bidline/models/xgboost_loader.h"
#include "xgboost_document.h"

namespace bidline::models {
namespace {

using xgboost::Document;

[[noreturn]] void fail(const std::string& what) { throw ModelLoadError(what); }

const Document& member(const Document& d, std::string_view key, std::string_view where) {
    const Document* v = d.kind == Document::Kind::kObject ? d.find(key) : nullptr;
    if (v == nullptr) fail("missing \"" + std::string(key) + "\" in " + std::string(where));
    return *v;
}

// XGBoost writes its parameters as strings ("num_feature": "32"); accept numbers too.
double parameter(const Document& d, std::string_view key, std::string_view where) {
    const Document& v = member(d, key, where);
    if (v.kind == Document::Kind::kNumber) return v.number;
    if (v.kind == Document::Kind::kString) {
        char* end = nullptr;
        const double x = std::strtod(v.text.c_str(), &end);
        if (end != v.text.c_str() && *end == '\0') return x;
    }
    fail("\"" + std::string(key) + "\" in " + std::string(where) + " is not a number");
}

const std::vector<double>& numbers(const Document& tree, std::string_view key, std::size_t expected,
                                   const std::string& where) {
    static const std::vector<double> kEmpty;
    const Document& v = member(tree, key, where);
    if (v.kind == Document::Kind::kArray && v.items.empty() && expected == 0) return kEmpty;
    if (v.kind != Document::Kind::kNumberArray)
        fail("\"" + std::string(key) + "\" in " + where + " is not an array of numbers");
    if (v.numbers.size() != expected)
        fail("\"" + std::string(key) + "\" in " + where + " has " + std::to_string(v.numbers.size()) +
             " entries, expected " + std::to_string(expected));
    return v.numbers;
}

// Every child in range and every node reached once from the root: no
// cycles, no shared subtrees, so evaluation always ends at a leaf.
void check_shape(const GbdtTree& tree, const std::string& where) {
    std::vector<char> seen(tree.nodes.size(), 0);
    std::vector<std::int32_t> pending{0};
    while (!pending.empty()) {
        const std::int32_t id = pending.back();
        pending.pop_back();
        if (id < 0 || static_cast<std::size_t>(id) >= tree.nodes.size())
            fail(where + ": child index " + std::to_string(id) + " out of range");
        if (seen[static_cast<std::size_t>(id)]++) fail(where + ": node " + std::to_string(id) + " is reached twice");
        const GbdtNode& n = tree.nodes[static_cast<std::size_t>(id)];
        if (!n.is_leaf()) {
            pending.push_back(n.left);
            pending.push_back(n.right);
        }
    }
}

GbdtTree convert_tree(const Document& t, std::size_t index, std::size_t num_features) {
    const std::string where = "tree " + std::to_string(index);
    const Document& param = member(t, "tree_param", where);
    const double n = parameter(param, "num_nodes", where + " tree_param");
    if (!(n >= 1 && n <= 1e9)) fail(where + ": bad num_nodes");
    if (parameter(param, "size_leaf_vector", where + " tree_param") != 0)
        fail(where + ": vector leaves are not supported");
    const auto count = static_cast<std::size_t>(n);
    const auto& left = numbers(t, "left_children", count, where);
    const auto& right = numbers(t, "right_children", count, where);
    const auto& feature = numbers(t, "split_indices", count, where);
    const auto& condition = numbers(t, "split_conditions", count, where);
    const auto& default_left = numbers(t, "default_left", count, where);
    if (const Document* types = t.find("split_type"); types != nullptr && types->kind == Document::Kind::kNumberArray)
        for (double type : types->numbers)
            if (type != 0) fail(where + ": categorical splits are not supported");

    GbdtTree tree;
    tree.nodes.resize(count);
    for (std::size_t i = 0; i < count; ++i) {
        GbdtNode& node = tree.nodes[i];
        node.value = static_cast<float>(condition[i]);
        if (left[i] == -1) continue;  // a leaf: value is the leaf value
        node.left = static_cast<std::int32_t>(left[i]);
        node.right = static_cast<std::int32_t>(right[i]);
        if (!(feature[i] >= 0 && feature[i] < static_cast<double>(num_features)))
            fail(where + " node " + std::to_string(i) + ": feature index " + std::to_string(feature[i]) +
                 " out of range (num_feature " + std::to_string(num_features) + ")");
        node.feature = static_cast<std::uint32_t>(feature[i]);
        node.default_left = default_left[i] != 0;
        if (std::isnan(node.value)) fail(where + " node " + std::to_string(i) + ": split condition is NaN");
    }
    check_shape(tree, where);
    return tree;
}

GbdtEnsemble convert(const Document& root) {
    if (root.kind != Document::Kind::kObject) fail("the model is not an object");
    const Document& learner = member(root, "learner", "the model");
    const Document& booster = member(learner, "gradient_booster", "learner");
    const Document& booster_name = member(booster, "name", "gradient_booster");
    if (booster_name.text != "gbtree") fail("booster \"" + booster_name.text + "\" is not supported (only gbtree)");
    const Document& objective = member(learner, "objective", "learner");
    const Document& params = member(learner, "learner_model_param", "learner");

    GbdtEnsemble e;
    e.objective_name = member(objective, "name", "objective").text;
    if (!parse_gbdt_objective(e.objective_name, e.objective))
        fail("objective \"" + e.objective_name +
             "\" is not supported (binary:logistic, reg:logistic, reg:squarederror, count:poisson)");
    if (params.find("num_class") != nullptr && parameter(params, "num_class", "learner_model_param") > 1)
        fail("multi-class models are not supported");
    if (params.find("num_target") != nullptr && parameter(params, "num_target", "learner_model_param") > 1)
        fail("multi-target models are not supported");
    const double features = parameter(params, "num_feature", "learner_model_param");
    if (!(features >= 1 && features <= 1e7)) fail("bad num_feature");
    e.num_features = static_cast<std::size_t>(features);
    // XGBoost keeps base_score as a float in prediction space.
    e.base_score = static_cast<float>(parameter(params, "base_score", "learner_model_param"));
    if (e.objective != GbdtObjective::kSquaredError && !(e.base_score > 0))
        fail("base_score must be positive for " + e.objective_name);
    if (e.objective == GbdtObjective::kLogistic && !(e.base_score < 1))
        fail("base_score must be below 1 for " + e.objective_name);
    e.base_margin = gbdt_base_margin(e.objective, e.base_score);

    const Document& model = member(booster, "model", "gradient_booster");
    const Document& trees = member(model, "trees", "gradient_booster model");
    if (trees.kind != Document::Kind::kArray && !(trees.kind == Document::Kind::kNumberArray && trees.numbers.empty()))
        fail("\"trees\" is not an array");
    e.trees.reserve(trees.items.size());
    for (std::size_t i = 0; i < trees.items.size(); ++i)
        e.trees.push_back(convert_tree(trees.items[i], i, e.num_features));
    return e;
}

std::size_t skip_space(std::string_view bytes) {
    std::size_t i = 0;
    while (i < bytes.size() && (bytes[i] == ' ' || bytes[i] == '\n' || bytes[i] == '\r' || bytes[i] == '\t')) ++i;
    return i;
}

// UBJSON objects start '{' then a length-typed key ('L', 'i', 'U', 'I', 'l');
// JSON objects start '{' then whitespace or '"'.
bool is_ubjson(std::string_view bytes) {
    return bytes.size() >= 2 && bytes[0] == '{' && std::string_view("iUIlL}").find(bytes[1]) != std::string_view::npos;
}

}  // namespace

bool looks_like_xgboost_model(std::string_view bytes) {
    const std::size_t start = skip_space(bytes);
    return start < bytes.size() && bytes[start] == '{';
}

GbdtEnsemble parse_xgboost_model(std::string_view bytes) {
    if (!looks_like_xgboost_model(bytes)) fail("not an XGBoost model (neither JSON nor UBJSON object)");
    return convert(is_ubjson(bytes) ? xgboost::parse_ubjson(bytes) : xgboost::parse_json(bytes));
}

GbdtEnsemble load_xgboost_model(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) fail(path.string() + ": cannot open");
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    try {
        return parse_xgboost_model(bytes);
    } catch (const ModelLoadError& e) {
        fail(path.string() + ": " + e.what());
    }
}

}  // namespace bidline::models

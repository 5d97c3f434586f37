// The bidline-mlp file format, version 1 (MLP_FORMAT.md).
#include "bidline/models/mlp_format.h"

#include <simdjson.h>

#include <bit>
#include <cstring>
#include <fstream>
#include <iterator>

#include "bidline/models/model_load_error.h"

namespace bidline::models {
namespace {

static_assert(std::endian::native == std::endian::little, "weights are stored little-endian; add a byte swap here");

constexpr std::string_view kMagic = R"({"format":"bidline-mlp")";

[[noreturn]] void fail(const std::string& what) { throw ModelLoadError("MLP file: " + what); }

std::size_t size_field(simdjson::dom::object o, const char* key, const std::string& where) {
    std::uint64_t v = 0;
    if (o[key].get_uint64().get(v) || v == 0 || v > (1u << 24))
        fail(where + " \"" + key + "\" must be a positive integer below 2^24");
    return static_cast<std::size_t>(v);
}

}  // namespace

bool looks_like_mlp(std::string_view bytes) { return bytes.substr(0, kMagic.size()) == kMagic; }

MlpNetwork parse_mlp(std::string_view bytes) {
    if (!looks_like_mlp(bytes)) fail("does not start with " + std::string(kMagic));
    const std::size_t newline = bytes.find('\n');
    if (newline == std::string_view::npos) fail("the header line has no end");
    simdjson::dom::parser parser;
    const simdjson::padded_string header(bytes.substr(0, newline));
    simdjson::dom::object root;
    if (auto error = parser.parse(header).get(root))
        fail(std::string("bad header JSON: ") + simdjson::error_message(error));
    std::int64_t version = 0;
    if (root["version"].get_int64().get(version)) fail("header has no \"version\"");
    if (version != kMlpFormatVersion)
        fail("version " + std::to_string(version) + " is not supported (this build reads version " +
             std::to_string(kMlpFormatVersion) + ")");

    MlpNetwork n;
    n.inputs = size_field(root, "inputs", "header");
    simdjson::dom::array layers;
    if (root["layers"].get_array().get(layers)) fail("header has no \"layers\" array");
    std::size_t width = n.inputs;
    std::size_t offset = newline + 1;
    for (simdjson::dom::element e : layers) {
        const std::string where = "layer " + std::to_string(n.layers.size());
        simdjson::dom::object o;
        if (e.get_object().get(o)) fail(where + " is not an object");
        MlpLayer l;
        l.inputs = width;
        l.units = size_field(o, "units", where);
        std::string_view activation;
        if (o["activation"].get_string().get(activation) ||
            !parse_mlp_activation(std::string(activation), l.activation))
            fail(where + ": \"activation\" must be identity, relu, sigmoid or tanh");
        l.weights.resize(l.units * l.inputs);
        l.biases.resize(l.units);
        const std::size_t need = (l.weights.size() + l.biases.size()) * sizeof(float);
        if (bytes.size() - offset < need)
            fail("the weights end early: " + where + " needs " + std::to_string(need) + " bytes at offset " +
                 std::to_string(offset) + ", the file has " + std::to_string(bytes.size()));
        std::memcpy(l.weights.data(), bytes.data() + offset, l.weights.size() * sizeof(float));
        offset += l.weights.size() * sizeof(float);
        std::memcpy(l.biases.data(), bytes.data() + offset, l.biases.size() * sizeof(float));
        offset += l.biases.size() * sizeof(float);
        width = l.units;
        n.layers.push_back(std::move(l));
    }
    if (offset != bytes.size())
        fail(std::to_string(bytes.size() - offset) + " bytes after the last layer's weights (wrong architecture?)");
    check_mlp_network(n);
    return n;
}

std::string serialize_mlp(const MlpNetwork& n) {
    check_mlp_network(n);
    std::string out = std::string(kMagic) + ",\"version\":" + std::to_string(kMlpFormatVersion) +
                      ",\"inputs\":" + std::to_string(n.inputs) + ",\"layers\":[";
    for (std::size_t i = 0; i < n.layers.size(); ++i) {
        out += (i ? "," : "");
        out += "{\"units\":" + std::to_string(n.layers[i].units) + ",\"activation\":\"" +
               mlp_activation_name(n.layers[i].activation) + "\"}";
    }
    out += "]}\n";
    for (const MlpLayer& l : n.layers) {
        out.append(reinterpret_cast<const char*>(l.weights.data()), l.weights.size() * sizeof(float));
        out.append(reinterpret_cast<const char*>(l.biases.data()), l.biases.size() * sizeof(float));
    }
    return out;
}

MlpNetwork load_mlp_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ModelLoadError(path.string() + ": cannot open");
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    try {
        return parse_mlp(bytes);
    } catch (const ModelLoadError& e) {
        throw ModelLoadError(path.string() + ": " + e.what());
    }
}

void save_mlp_file(const MlpNetwork& network, const std::filesystem::path& path) {
    const std::string bytes = serialize_mlp(network);
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw ModelLoadError(path.string() + ": cannot write");
}

}  // namespace bidline::models

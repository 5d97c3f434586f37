// API keys: a minted key verifies against its stored salt + hash and nothing
// else does; the key file round-trips and names its bad lines; each route
// needs the documented scope.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "bidline/engine/api_keys.h"
#include "bidline/engine/route_auth.h"
#include "bidline/engine/verified_key_cache.h"

namespace bidline {
namespace {

TEST(ApiKeys, AMintedKeyVerifiesAndOnlyIt) {
    const MintedKey a = mint_api_key("exchange-a", parse_scopes("bid"));
    const MintedKey b = mint_api_key("feeds", parse_scopes("events,read"));
    const ApiKeyTable table({a.entry, b.entry});
    const ApiKey* k = nullptr;
    ASSERT_EQ(table.verify("Bearer " + a.key, k), KeyCheck::ok);
    EXPECT_EQ(k->name, "exchange-a");
    ASSERT_EQ(table.verify("bearer  " + b.key, k), KeyCheck::ok);  // scheme is case-insensitive
    EXPECT_EQ(k->name, "feeds");
    EXPECT_TRUE(k->scopes.has(Scope::events));
    EXPECT_FALSE(k->scopes.has(Scope::bid));

    std::string forged = a.key;
    forged.back() = forged.back() == '0' ? '1' : '0';  // right id, wrong secret
    EXPECT_EQ(table.verify("Bearer " + forged, k), KeyCheck::unknown);
    EXPECT_EQ(k, nullptr);
    const MintedKey stranger = mint_api_key("exchange-a", parse_scopes("bid"));  // never stored
    EXPECT_EQ(table.verify("Bearer " + stranger.key, k), KeyCheck::unknown);
    EXPECT_EQ(table.verify("", k), KeyCheck::missing);
    EXPECT_EQ(table.verify("Basic dXNlcjpwYXNz", k), KeyCheck::malformed);
    EXPECT_EQ(table.verify("Bearer " + a.key.substr(1), k), KeyCheck::malformed);
    EXPECT_EQ(table.verify("Bearer ", k), KeyCheck::malformed);
}

TEST(ApiKeys, TheKeyFileHoldsSaltAndHashNeverTheKey) {
    const MintedKey a = mint_api_key("exchange-a", parse_scopes("bid,read"));
    const std::filesystem::path file = std::filesystem::temp_directory_path() / "bidline-api-keys-test.txt";
    {
        std::ofstream out(file);
        out << "# comment\n" << key_file_line(a.entry) << "\n";
    }
    const ApiKeyTable table = ApiKeyTable::load(file);
    ASSERT_EQ(table.keys().size(), 1u);
    const ApiKey* k = nullptr;
    EXPECT_EQ(table.verify("Bearer " + a.key, k), KeyCheck::ok);
    EXPECT_EQ(key_file_line(a.entry).find(a.key.substr(20)), std::string::npos);  // the secret part is not stored

    {
        std::ofstream out(file);
        out << key_file_line(a.entry) << "\nfeeds bid,write 0011223344556677 00 00\n";
    }
    try {
        (void)ApiKeyTable::load(file);
        FAIL() << "a bad scope loaded";
    } catch (const std::runtime_error& e) {
        EXPECT_EQ(std::string(e.what()), file.string() + ":2: scopes: unknown scope \"write\" (scopes: bid, events, admin, read)");
    }
    std::filesystem::remove(file);
}

TEST(ApiKeys, ScopesParseAndPrint) {
    EXPECT_EQ(to_string(parse_scopes("read,bid")), "bid,read");
    EXPECT_THROW(parse_scopes(""), std::invalid_argument);
    EXPECT_THROW(parse_scopes("bid,,read"), std::invalid_argument);
}

TEST(ApiKeys, AShardRemembersOnlyKeysThatVerified) {
    std::vector<MintedKey> minted;
    std::vector<ApiKey> entries;
    for (int i = 0; i < 10; ++i) {
        minted.push_back(mint_api_key("c" + std::to_string(i), parse_scopes("bid")));
        entries.push_back(minted.back().entry);
    }
    const ApiKeyTable table(entries);
    VerifiedKeyCache cache;
    EXPECT_EQ(cache.find(minted[0].key), nullptr);
    const ApiKey* k = nullptr;
    ASSERT_EQ(table.verify("Bearer " + minted[0].key, k), KeyCheck::ok);
    cache.remember(minted[0].key, k);
    EXPECT_EQ(cache.find(minted[0].key), k);
    std::string other = minted[0].key;
    other.back() = other.back() == '0' ? '1' : '0';
    EXPECT_EQ(cache.find(other), nullptr);
    // Eight more verified keys push the first one out (round robin).
    for (int i = 1; i <= 8; ++i) {
        ASSERT_EQ(table.verify("Bearer " + minted[i].key, k), KeyCheck::ok);
        cache.remember(minted[i].key, k);
    }
    EXPECT_EQ(cache.find(minted[0].key), nullptr);
    EXPECT_EQ(cache.find(minted[8].key)->name, "c8");

    // authorize() fills and uses it: same answers either way.
    HttpRequest req;
    req.method = HttpMethod::post;
    req.path = "/openrtb2/bid";
    const std::string header = "Bearer " + minted[9].key;
    req.headers[0] = {"Authorization", header};
    req.header_count = 1;
    for (int round = 0; round < 2; ++round) {
        const AuthDecision d = authorize(table, cache, req);
        EXPECT_EQ(d.status, 0);
        ASSERT_NE(d.key, nullptr);
        EXPECT_EQ(d.key->name, "c9");
    }
    EXPECT_NE(cache.find(minted[9].key), nullptr);
}

TEST(RouteAuth, EachRouteNeedsItsScope) {
    using M = HttpMethod;
    EXPECT_EQ(required_scope(M::get, "/healthz"), std::nullopt);
    EXPECT_EQ(required_scope(M::get, "/v1/notice/win"), std::nullopt);
    EXPECT_EQ(required_scope(M::post, "/openrtb2/bid"), Scope::bid);
    EXPECT_EQ(required_scope(M::post, "/v1/events"), Scope::events);
    EXPECT_EQ(required_scope(M::post, "/v1/reports/meta"), Scope::events);
    EXPECT_EQ(required_scope(M::post, "/v1/predict"), Scope::read);
    EXPECT_EQ(required_scope(M::post, "/v1/optimizer/run"), Scope::admin);
    EXPECT_EQ(required_scope(M::del, "/v1/models/click"), Scope::admin);
    EXPECT_EQ(required_scope(M::get, "/v1/stats"), Scope::read);
    EXPECT_EQ(required_scope(M::head, "/metrics"), Scope::read);
    EXPECT_EQ(required_scope(M::get, "/dashboard"), std::nullopt);  // the page; its data needs read
    EXPECT_EQ(required_scope(M::get, "/dashboard/catalog.json"), Scope::read);
    EXPECT_EQ(required_scope(M::get, "/v1/adjustments"), Scope::read);
}

}  // namespace
}  // namespace bidline

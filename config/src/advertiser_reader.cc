// [[advertiser]]: who pays, in which currency, and whose clock the flight
// dates and dayparts follow.
#include "domain_fields.h"
#include "section_readers.h"
#include "text_formats.h"

namespace bidline::config_detail {

namespace {

Advertiser read_advertiser(const TomlTable& t) {
    Advertiser a;
    a.id.value = read_id(t, "id");
    a.name = t.string("name").value_or(a.id.value);
    if (auto currency = t.string("currency")) {
        if (!is_currency_code(*currency)) {
            t.fail_at(*t.find("currency"), "currency",
                      "expected an ISO 4217 code such as \"USD\", got \"" + *currency + "\"");
        }
        a.currency = *currency;
    }
    if (auto zone = read_time_zone(t, "timezone")) a.timezone = *zone;
    a.domains = read_domain_list(t, "domains");
    return a;
}

}  // namespace

std::vector<Advertiser> read_advertisers(const TomlTable& root) {
    std::vector<Advertiser> out;
    IdRegistry ids;
    for (const TomlTable& t : root.table_array("advertiser", {"id", "name", "currency", "timezone", "domains"})) {
        ids.add(t, "id", read_id(t, "id"));
        out.push_back(read_advertiser(t));
    }
    return out;
}

}  // namespace bidline::config_detail

// The admin API's answers shared by campaign_admin.cc and
// campaign_admin_entities.cc: errors with field-level problems, and
// versions as ETag values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bidline/engine/campaign_admin.h"

namespace bidline {

// {"error":CODE,"message":...,"fields":[{"field","reason"}]} (no "fields" when empty).
CampaignAdmin::Answer admin_error(std::uint16_t status, std::string_view code, std::string_view message,
                                  const std::vector<FieldError>& fields = {});

// A version as an ETag: "\"3\"".
std::string quoted_version(std::uint64_t version);

}  // namespace bidline

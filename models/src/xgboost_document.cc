// Document's special members, out of line (see xgboost_document.h).
#include "xgboost_document.h"

namespace bidline::models::xgboost {

Document::Document() = default;
Document::~Document() = default;
Document::Document(const Document&) = default;
Document::Document(Document&&) noexcept = default;
Document& Document::operator=(const Document&) = default;
Document& Document::operator=(Document&&) noexcept = default;

}  // namespace bidline::models::xgboost
